//! Secretary evaluations per second on one core (issue: ≥ 10 million).
//!
//! A "secretary evaluation" is the whole of Articles 1 and 13 for one
//! secretary: the five checks (三好三强, tenure, rank, income, stars), each a
//! full `Decision` with its parameters, and the verdict. Synthetic towns are
//! made by a fixed linear congruential generator, so every run sees the same
//! data. The baseline in the same run is a plain pass over the same facts
//! that only compares income with the threshold: figures are reported as a
//! ratio to it.
//!
//!     cargo bench -p touyan-rules --bench secretaries

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rust_decimal::Decimal;
use time::{Date, Duration, macros::date};
use touyan_rules::Policy;
use touyan_rules::art01_inclusion::{SecretaryFacts, VillageFacts, eligibility};
use touyan_rules::people::{Degree, Education};

struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn synthetic(n: usize, as_of: Date) -> Vec<(SecretaryFacts, VillageFacts)> {
    let mut r = Lcg(2024);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let villages = 30 + r.next(21) as u32;
        for rank in 1..=villages {
            if out.len() == n {
                break;
            }
            let s = SecretaryFacts {
                birth_date: as_of - Duration::days(365 * 26 + r.next(365 * 34) as i64),
                degree: Degree {
                    education: Education::ALL[r.next(8) as usize],
                    full_time: r.next(10) < 4,
                    full_time_level: None,
                },
                tenure_start: as_of - Duration::days(100 + r.next(3900) as i64),
                three_good_three_strong: r.next(10) < 9,
            };
            let v = VillageFacts {
                stars: [2, 3, 4, 4, 5, 5][r.next(6) as usize],
                collective_income_wan: Decimal::new(
                    [300, 850, 1000, 1225, 3000, 10000][r.next(6) as usize],
                    2,
                ),
                last_year_rank: Some(rank),
                village_count: villages,
            };
            out.push((s, v));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let as_of = date!(2025 - 01 - 01);
    let p = Policy::example()
        .resolve(as_of)
        .expect("example policy resolves");
    let mut g = c.benchmark_group("secretary_evaluations");
    for n in [1_000usize, 100_000] {
        let data = synthetic(n, as_of);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(
            BenchmarkId::new("articles_1_and_13", n),
            &data,
            |b, data| {
                b.iter(|| {
                    data.iter()
                        .filter(|(s, v)| {
                            eligibility(&p, black_box(s), black_box(v), as_of).eligible()
                        })
                        .count()
                })
            },
        );
        let min = p.inclusion_collective_income_min_wan.value;
        g.bench_with_input(
            BenchmarkId::new("baseline_income_only", n),
            &data,
            |b, data| {
                b.iter(|| {
                    data.iter()
                        .filter(|(_, v)| black_box(v).collective_income_wan >= min)
                        .count()
                })
            },
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

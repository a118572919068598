//! The whole contract in-process on one town: read the JSON, check, decide,
//! write the output JSON. Baseline in the same run: `serde_json` parsing the
//! same bytes into a generic value (a floor for any JSON-in, JSON-out tool).
//!
//!     cargo bench -p touyan-evaluate --bench evaluate

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use touyan_rules::Policy;

fn bench(c: &mut Criterion) {
    let case = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/case-example.json"
    ))
    .expect("examples/case-example.json");
    let policy = Policy::example();
    let mut g = c.benchmark_group("one_town");
    g.bench_function("evaluate_example_case", |b| {
        b.iter(|| touyan_evaluate::evaluate(black_box(&case), &policy).map(|o| o.len()))
    });
    g.bench_function("baseline_serde_json_value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(black_box(&case)).map(|v| v.is_object())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

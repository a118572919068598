//! One masking rule for what the screen, the API, the audit page and the
//! exports show of a person (issue 15: masks that hold).
//!
//! An ID number is shown as its first six and last four characters
//! (`Mask::default()`: the place code, then the sequence number and the
//! check character); the eight hidden are exactly the birth date. So
//! nothing shown beside a masked number may carry the birth date: people
//! are shown with their birth **year** ([`birth_year`]), never the date,
//! and an ID number is searched only whole or by the six characters the
//! mask shows (storage's people search). With the year, the hidden month
//! and day leave about 365 numbers of which about one in eleven has the
//! right check character: some thirty candidates, not one.
//!
//! Names and other personal fields in the audit trail are masked by
//! [`audit_json`].

use touyan_records::{CitizenId, Mask};

/// An ID number as shown on screen, in the API and in masked exports.
pub fn masked(id: &CitizenId) -> String {
    id.masked(Mask::default())
}

/// How a person is offered in a form's drop-down: village, name and the
/// masked ID number, so that two people of one name are told apart and
/// the search box above the list (`static/fields.js`) finds any of the
/// three; never the whole number.
pub fn person_option(village: &str, name: &str, id: &CitizenId) -> String {
    let who = format!("{village} {name}");
    format!("{} {}", who.trim(), masked(id))
}

/// What is shown of a person's birth beside a masked ID number.
pub fn birth_year(id: &CitizenId) -> String {
    format!("{} 年", id.birth_date().year())
}

/// The birth year as a number, for the API.
pub fn birth_year_number(id: &CitizenId) -> i32 {
    id.birth_date().year()
}

/// Every 18-character ID number in `text` masked (the audit trail keeps
/// them whole; the screen does not show them).
pub fn mask_ids(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take(18)
            .take_while(|c| c.is_ascii_digit() || **c == 'X' || **c == 'x')
            .count();
        let before_ok = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        let after_ok = chars.get(i + 18).is_none_or(|c| !c.is_ascii_alphanumeric());
        if run == 18 && before_ok && after_ok {
            let s: String = chars[i..i + 18].iter().collect();
            match CitizenId::parse(&s) {
                Ok(id) => out.push_str(&masked(&id)),
                Err(_) => out.push_str(&s),
            }
            i += 18;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A name as the audit page shows it: the first character, the rest as
/// `*` (张三丰 → 张**).
pub fn masked_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A change-log row's JSON (`before` or `after`) as the audit page shows
/// it: who did what to which record stays readable; the personal fields
/// are masked — a person's or an account holder's name, any birth date
/// (its year kept), and every ID number anywhere in it.
pub fn audit_json(table: &str, text: &str) -> String {
    use serde_json::Value;
    let Ok(Value::Object(mut row)) = serde_json::from_str::<Value>(text) else {
        return mask_ids(text);
    };
    for (k, v) in row.iter_mut() {
        let Value::String(s) = v else { continue };
        let personal_name = (table == "people" && k == "name") || k == "display_name";
        *s = if personal_name {
            masked_name(s)
        } else if k.contains("birth") {
            s.get(..4).map_or_else(String::new, |y| format!("{y} 年"))
        } else {
            mask_ids(s)
        };
    }
    Value::Object(row).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_birth_year_and_not_the_date() {
        let id = CitizenId::parse("11010519491231002X").unwrap();
        assert_eq!(masked(&id), "110105********002X");
        assert_eq!(birth_year(&id), "1949 年");
        assert_eq!(birth_year_number(&id), 1949);
    }

    /// What a masked number and the birth year leave: every month and day
    /// of the year with the right check character. Nothing is rebuilt:
    /// dozens of numbers fit, for this person and for one born on 1 Jan.
    #[test]
    fn a_masked_number_and_its_year_fit_many_numbers() {
        for full in ["11010519491231002X", "440524188001010014"] {
            let id = CitizenId::parse(full).unwrap();
            let shown = masked(&id);
            let year = birth_year_number(&id);
            let mut fits = 0;
            let mut day = time::Date::from_ordinal_date(year, 1).unwrap();
            while day.year() == year {
                let candidate = format!(
                    "{}{:04}{:02}{:02}{}",
                    &shown[..6],
                    day.year(),
                    u8::from(day.month()),
                    day.day(),
                    &shown[14..]
                );
                if let Ok(c) = CitizenId::parse(&candidate) {
                    assert_eq!(masked(&c), shown);
                    fits += 1;
                }
                day = day.next_day().unwrap();
            }
            assert!(fits >= 15, "{full}: only {fits} numbers fit");
        }
    }

    #[test]
    fn audit_rows_mask_names_birth_dates_and_ids() {
        let person =
            r#"{"citizen_id":"11010519491231002X","name":"张三丰","education":"bachelor"}"#;
        assert_eq!(
            audit_json("people", person),
            r#"{"citizen_id":"110105********002X","education":"bachelor","name":"张**"}"#
        );
        // A village keeps its name; an account holder's is masked.
        assert_eq!(
            audit_json("villages", r#"{"name":"东村"}"#),
            r#"{"name":"东村"}"#
        );
        assert_eq!(
            audit_json("accounts", r#"{"display_name":"李四","role":"city_admin"}"#),
            r#"{"display_name":"李*","role":"city_admin"}"#
        );
        assert_eq!(
            audit_json("x", r#"{"birth_date":"1990-05-05"}"#),
            r#"{"birth_date":"1990 年"}"#
        );
        // Not JSON: ID numbers still masked.
        assert_eq!(
            audit_json("x", "440524188001010014/2024"),
            "440524********0014/2024"
        );
        assert_eq!(masked_name(""), "");
    }
}

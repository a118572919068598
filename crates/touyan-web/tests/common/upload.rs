//! Uploading a workbook to the import page, and reading its tables.

use touyan_excel::{Roster, write_roster};

use super::{Answer, Harness, post};

pub const BOUNDARY: &str = "----touyanTestBoundary7MA4YWxkTrZu0gW";

/// A multipart body: the CSRF field and the workbook.
pub fn multipart(csrf: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

pub async fn upload(h: &Harness, who: &(String, String), name: &str, bytes: &[u8]) -> Answer {
    post("/import")
        .session(Some(&who.0))
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            multipart(&who.1, name, bytes),
        )
        .send(h)
        .await
}

pub fn workbook(roster: &Roster) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.xlsx");
    write_roster(&path, roster, None).unwrap();
    std::fs::read(&path).unwrap()
}

/// The cells of a table's body rows (`<td>` text), from the first table
/// with `class` in the page.
pub fn table_rows(html: &str, class: &str) -> Vec<Vec<String>> {
    let Some(start) = html.find(&format!("<table class=\"{class}")) else {
        return Vec::new();
    };
    let rest = &html[start..];
    let body = &rest[..rest.find("</table>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .filter(|r| r.contains("<td>"))
        .map(|r| {
            r.split("<td>")
                .skip(1)
                .map(|c| c[..c.find("</td>").unwrap()].to_owned())
                .collect()
        })
        .collect()
}

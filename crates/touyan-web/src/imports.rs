//! The import page: a workbook uploaded, read as `touyan import` reads it
//! (`touyan_excel::read_workbook_located`) against the keys of the user's
//! scope (`touyan_office::import::keys`: a town's own people, so another town's ID
//! number reads as one that exists nowhere), then every row through the
//! checks of the form that records it and the ownership rules, then
//! written in one transaction through the user's name and address — the
//! records a form only adds never rewritten — or not at all
//! (`touyan_office::import`). A refused row is listed with its sheet, row
//! and reason.
//!
//! A refused workbook's marked copy (bad cells red, an error sheet) is kept
//! in the database for an hour (`import_copies`, migration m0005) under a
//! random token only the uploader can use, so the download link works
//! whichever server process answers it (nothing lives in one process).

use std::path::Path;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use touyan_excel::{
    Access, CellError, Known, Roster, RowNumbers, read_workbook_located, write_marked_copy,
    write_template_for,
};
use touyan_office::OfficeError;
use touyan_office::import::{self as office, Imported};
use touyan_records::model::TrainingLevel;
use touyan_storage::{Applied, Store};
use touyan_workflow::import as flow;

use crate::auth;
use crate::guard::csrf_ok;
use crate::http::{PageError, SignedIn, act};
use crate::pages::{Chrome, message_page, render};
use crate::roles::Action;
use crate::scope::{by, by_from};
use crate::state::{AppState, Failure, User};

/// The largest workbook the page takes (bytes).
pub const IMPORT_LIMIT: usize = 10 * 1024 * 1024;

/// The request body limit of the upload: the workbook and the form around
/// it.
pub const IMPORT_BODY_LIMIT: usize = IMPORT_LIMIT + 64 * 1024;

/// How long a marked copy can be downloaded.
pub const COPY_KEPT: time::Duration = time::Duration::hours(1);

/// The largest marked copy kept for download (bytes); a larger one is not
/// stored (the page says so and lists the first problems).
pub const COPY_LIMIT: usize = 2 * 1024 * 1024;

/// Problems the page lists; the rest are counted.
pub const PROBLEMS_SHOWN: usize = 200;

/// One problem of a refused workbook, as the table shows it.
pub struct ProblemLine {
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

/// A row outside a town operator's town.
pub struct OutOfScope {
    pub sheet: String,
    pub row: u32,
    pub reason: String,
}

pub struct AppliedLine {
    pub zh: &'static str,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[derive(Template)]
#[template(path = "pages/import.html")]
struct ImportPage {
    chrome: Chrome,
    limit_mb: usize,
    file_name: String,
    error: Option<String>,
    problems: Vec<ProblemLine>,
    /// Problems found but not listed.
    more_problems: usize,
    marked_href: Option<String>,
    /// Why there is no marked copy to download.
    copy_note: Option<String>,
    out_of_scope: Vec<OutOfScope>,
    applied: Option<Vec<AppliedLine>>,
    nothing_changed: bool,
    town_note: Option<String>,
}

impl ImportPage {
    fn new(user: &User) -> ImportPage {
        ImportPage {
            chrome: Chrome::new("导入名册工作簿", Some(user), "/import"),
            limit_mb: IMPORT_LIMIT / 1024 / 1024,
            file_name: String::new(),
            error: None,
            problems: Vec::new(),
            more_problems: 0,
            marked_href: None,
            copy_note: None,
            out_of_scope: Vec::new(),
            applied: None,
            nothing_changed: false,
            town_note: user.town_scope().map(|_| {
                "您是镇街经办账户：工作簿中只能有本镇街的村和人员，否则整个工作簿不予导入。"
                    .to_owned()
            }),
        }
    }
}

/// A file for download: `file_name` may be Chinese (RFC 6266 `filename*`).
pub(crate) fn attachment(bytes: Vec<u8>, file_name: &str, content_type: &'static str) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The content type of .xlsx files.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Runs `f` with a fresh temporary directory (removed afterwards, also on
/// failure), on a blocking thread.
pub(crate) async fn in_temp_dir<T: Send + 'static>(
    f: impl FnOnce(&Path) -> Result<T, String> + Send + 'static,
) -> Result<T, Failure> {
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().map_err(|e| format!("无法建立临时目录：{e}"))?;
        f(dir.path())
    })
    .await
    .map_err(|e| Failure::Internal(format!("处理工作簿失败：{e}")))?
    .map_err(Failure::Internal)
}

pub async fn form(SignedIn { user, .. }: SignedIn<act::Import>) -> Result<Response, PageError> {
    Ok(render(&ImportPage::new(&user), StatusCode::OK))
}

/// `GET /import/template`: the empty import workbook.
pub async fn template(SignedIn { user, .. }: SignedIn<act::Import>) -> Result<Response, PageError> {
    let access = Access {
        notes: vec![flow::role_note(user.role)],
        sheets: flow::template_lines(),
    };
    let made = in_temp_dir(move |dir| {
        let path = dir.join("template.xlsx");
        write_template_for(&path, &access).map_err(|e| e.to_string())?;
        std::fs::read(&path).map_err(|e| format!("无法读取模板：{e}"))
    })
    .await;
    Ok(attachment(made?, "名册导入模板.xlsx", XLSX))
}

/// `GET /import/marked/{token}`: the marked copy of a refused workbook,
/// for the account that uploaded it, within [`COPY_KEPT`].
pub async fn marked(
    State(st): State<AppState>,
    SignedIn { user, .. }: SignedIn<act::Import>,
    UrlPath(token): UrlPath<String>,
) -> Result<Response, PageError> {
    let desk = st.desk(&user, Action::Import)?;
    let store = desk.store();
    let gone = || {
        message_page(
            StatusCode::NOT_FOUND,
            "标注副本已失效",
            "没有找到该标注副本：它只保留一小时，且只能由上传者下载。请重新上传工作簿。",
        )
    };
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(gone());
    }
    let found = store
        .import_copy(
            &auth::token_hash(&token),
            &user.username,
            st.now() - COPY_KEPT,
        )
        .await;
    Ok(match found? {
        Some(copy) => match B64.decode(copy.content_b64.as_bytes()) {
            Ok(bytes) => attachment(bytes, &copy.file_name, XLSX),
            Err(e) => return Err(PageError::Internal(format!("标注副本已损坏：{e}"))),
        },
        None => gone(),
    })
}

/// The upload as read from the form.
struct Upload {
    csrf: Option<String>,
    file_name: String,
    bytes: Vec<u8>,
}

/// Reads the multipart form; `Err` is the answer to give (too large,
/// malformed).
async fn read_upload(mut mp: Multipart, user: &User) -> Result<Upload, Response> {
    let too_large = || {
        let mut page = ImportPage::new(user);
        page.error = Some(format!(
            "上传的文件太大：工作簿不能超过 {} MB。请拆分后分批导入。",
            IMPORT_LIMIT / 1024 / 1024
        ));
        render(&page, StatusCode::PAYLOAD_TOO_LARGE)
    };
    let bad = |m: String| {
        let mut page = ImportPage::new(user);
        page.error = Some(format!("上传的表单无法读取：{m}"));
        render(&page, StatusCode::BAD_REQUEST)
    };
    let mut up = Upload {
        csrf: None,
        file_name: String::new(),
        bytes: Vec::new(),
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => return Err(bad(e.body_text())),
        };
        match field.name() {
            Some("csrf") => {
                up.csrf = Some(field.text().await.map_err(|e| bad(e.body_text()))?);
            }
            Some("workbook") => {
                up.file_name = field
                    .file_name()
                    .unwrap_or_default()
                    .chars()
                    .take(100)
                    .collect();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(too_large());
                    }
                    Err(e) => return Err(bad(e.body_text())),
                };
                if bytes.len() > IMPORT_LIMIT {
                    return Err(too_large());
                }
                up.bytes = bytes.to_vec();
            }
            _ => {}
        }
    }
    Ok(up)
}

/// The extension the workbook is read as, from the uploaded name.
fn extension(file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
    ["xlsx", "xlsm", "xls", "ods"]
        .into_iter()
        .find(|e| lower.ends_with(&format!(".{e}")))
}

/// How a checked upload came out.
enum Checked {
    Good(Box<Roster>, RowNumbers),
    /// Every problem, and the marked copy (or why it could not be made).
    Bad(Vec<CellError>, Result<Vec<u8>, String>),
}

/// `POST /import`.
// One piece: one upload read, checked, refused or applied in the order a clerk sees the answer; each step returns early with its page.
pub async fn upload(
    State(st): State<AppState>,
    SignedIn { user, origin, .. }: SignedIn<act::Import>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    // The body is multipart (a workbook), not a form `SignedForm` reads:
    // the user comes from `SignedIn`, the CSRF token is read with the
    // file and checked below, as before.
    let mp = match mp {
        Ok(mp) => mp,
        Err(_) => {
            let mut page = ImportPage::new(&user);
            page.error = Some("请用本页的表单上传工作簿（multipart/form-data）".into());
            return Ok(render(&page, StatusCode::BAD_REQUEST));
        }
    };
    // Held until the answer: the body is read and the workbook checked by
    // at most `imports_at_once` uploads at a time.
    let Ok(_slot) = st.import_slot() else {
        let mut page = ImportPage::new(&user);
        page.error = Some(format!(
            "{}：其他工作簿正在检查，请稍后再上传",
            crate::throttle::BUSY
        ));
        return Ok(render(&page, StatusCode::SERVICE_UNAVAILABLE));
    };
    let up = match read_upload(mp, &user).await {
        Ok(u) => u,
        Err(r) => return Ok(r),
    };
    if !csrf_ok(&user, up.csrf.as_deref()) {
        return Err(PageError::Csrf);
    }
    let mut page = ImportPage::new(&user);
    if let Some(c) = touyan_records::text::refused_char(&up.file_name) {
        page.error = Some(format!("文件名：{}", touyan_records::text::refusal(c)));
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    page.file_name = up.file_name.clone();
    if up.bytes.is_empty() {
        page.error = Some("请选择要导入的工作簿文件（.xlsx）".into());
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let Some(ext) = extension(&up.file_name) else {
        page.error = Some("只能导入 Excel 工作簿（.xlsx、.xls）或 .ods 文件".into());
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let desk = st.desk(&user, Action::Import)?;
    let store = desk.store();
    // What the workbook may refer to without defining it: the office's,
    // within the user's scope only (another town's person reads as
    // nobody).
    let keys = std::sync::Arc::new(office::keys(store, &by(&user)).await?);
    let bytes = up.bytes;
    let known = keys.clone();
    let own_town = user.town_scope();
    let checked = in_temp_dir(move |dir| {
        let path = dir.join(format!("upload.{ext}"));
        std::fs::write(&path, &bytes).map_err(|e| format!("无法保存上传的文件：{e}"))?;
        let k = Known {
            villages: &|v| known.villages.contains(v),
            people: &|p| known.people.contains(p),
            sessions: &|s| match (known.sessions.get(s), &own_town) {
                (Some(_), None) => true,
                (Some((level, t)), Some(own)) => {
                    *level == TrainingLevel::Town && t.is_some_and(|t| t.as_str() == own)
                }
                (None, _) => false,
            },
            secondments: &|p, start| known.secondments.get(&(p.clone(), start)).map(|s| s.end),
        };
        Ok(match read_workbook_located(&path, &k) {
            Ok((roster, rows)) => Checked::Good(Box::new(roster), rows),
            Err(errors) => {
                let out = dir.join("marked.xlsx");
                let copy = write_marked_copy(&path, &errors, &out)
                    .map_err(|e| e.to_string())
                    .and_then(|()| std::fs::read(&out).map_err(|e| e.to_string()));
                Checked::Bad(errors, copy)
            }
        })
    })
    .await;
    Ok(match checked? {
        Checked::Bad(errors, copy) => {
            page.problems = errors
                .iter()
                .take(PROBLEMS_SHOWN)
                .map(problem_line)
                .collect();
            page.more_problems = errors.len().saturating_sub(PROBLEMS_SHOWN);
            match copy {
                Ok(copy) => match keep_copy(&st, store, &user, &up.file_name, &copy).await {
                    Ok(Some(href)) => page.marked_href = Some(href),
                    Ok(None) => {
                        page.copy_note = Some(format!(
                            "标注副本有 {:.1} MB，超过 {} MB，不予保留；请按下表改正后重新上传",
                            copy.len() as f64 / 1024.0 / 1024.0,
                            COPY_LIMIT / 1024 / 1024
                        ))
                    }
                    Err(f) => return Err(f.into()),
                },
                Err(m) => page.error = Some(format!("标注副本未能生成：{m}")),
            }
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Checked::Good(roster, rows) => {
            let by = by_from(&user, &origin);
            match office::import(
                store,
                &by,
                st.policy(),
                &keys,
                &roster,
                st.today(),
                st.now(),
            )
            .await
            {
                Ok(Imported::Refused(refused)) => {
                    page.out_of_scope = refused
                        .into_iter()
                        .map(|x| {
                            let name = x.sheet.name();
                            let (sheet, row) = rows.of(name, x.index).unwrap_or((name, 0));
                            OutOfScope {
                                sheet: sheet.to_owned(),
                                row,
                                reason: x.reason,
                            }
                        })
                        .collect();
                    render(&page, StatusCode::FORBIDDEN)
                }
                Ok(Imported::Applied(applied)) => {
                    page.nothing_changed = applied
                        .iter()
                        .all(|a| a.written.inserted + a.written.updated == 0);
                    page.applied = Some(applied.iter().map(applied_line).collect());
                    render(&page, StatusCode::OK)
                }
                Err(OfficeError::Store(e)) => {
                    let id = crate::http::request_id();
                    crate::http::log_internal(&id, &e.to_string());
                    page.error = Some(format!(
                        "写入失败，未导入任何数据。{}",
                        crate::http::internal_text(&id)
                    ));
                    render(&page, StatusCode::INTERNAL_SERVER_ERROR)
                }
                Err(e) => {
                    page.error = Some(format!("未导入任何数据：{e}"));
                    render(&page, StatusCode::UNPROCESSABLE_ENTITY)
                }
            }
        }
    })
}

fn problem_line(e: &CellError) -> ProblemLine {
    ProblemLine {
        sheet: if e.sheet.is_empty() {
            "（工作簿）".into()
        } else {
            touyan_excel::excerpt(&e.sheet)
        },
        row: if e.row == 0 {
            String::new()
        } else {
            e.row.to_string()
        },
        column: e.column.clone(),
        message: e.message.clone(),
    }
}

fn applied_line(a: &Applied) -> AppliedLine {
    AppliedLine {
        zh: a.zh,
        inserted: a.written.inserted,
        updated: a.written.updated,
        unchanged: a.written.unchanged,
    }
}

/// Stores the marked copy; the link to it (`None`: over [`COPY_LIMIT`],
/// not stored).
async fn keep_copy(
    st: &AppState,
    store: &Store,
    user: &User,
    uploaded: &str,
    copy: &[u8],
) -> Result<Option<String>, Failure> {
    if copy.len() > COPY_LIMIT {
        return Ok(None);
    }
    let token = auth::new_token().map_err(Failure::Internal)?;
    let stem = Path::new(uploaded)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "工作簿".to_owned());
    let now = st.now();
    store
        .put_import_copy(
            &auth::token_hash(&token),
            &user.username,
            &format!("{stem}.错误标注.xlsx"),
            &B64.encode(copy),
            now,
            now - COPY_KEPT,
        )
        .await?;
    Ok(Some(format!("/import/marked/{token}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_workbooks_are_taken() {
        assert_eq!(extension("名册.XLSX"), Some("xlsx"));
        assert_eq!(extension("a.ods"), Some("ods"));
        assert_eq!(extension("a.xlsx.exe"), None);
        assert_eq!(extension("a.csv"), None);
    }

    #[test]
    fn chinese_file_names_are_encoded() {
        let r = attachment(vec![1], "名册 1.xlsx", XLSX);
        let d = r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert_eq!(
            d,
            "attachment; filename=\"___1.xlsx\"; filename*=UTF-8''%E5%90%8D%E5%86%8C%201.xlsx"
        );
    }
}

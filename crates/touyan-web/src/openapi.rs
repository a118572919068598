//! `GET /api/openapi.json`: the API described by hand (OpenAPI 3.1). A
//! test checks that every path here answers and every API route is here.

use axum::Json;
use serde_json::{Value, json};

/// Every API route, as (method, OpenAPI path).
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/v1/login"),
    ("post", "/api/v1/logout"),
    ("get", "/api/v1/villages"),
    ("get", "/api/v1/villages/{code}"),
    ("get", "/api/v1/people"),
    ("get", "/api/v1/people/{id}"),
    ("post", "/api/v1/evaluate"),
    ("get", "/api/v1/dashboard"),
];

fn err(desc: &str) -> Value {
    json!({ "description": desc, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn paging() -> Vec<Value> {
    vec![
        json!({ "name": "page", "in": "query", "schema": { "type": "integer", "minimum": 1, "default": 1 } }),
        json!({ "name": "per_page", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 200, "default": 50 }, "description": "超过 200 按 200" }),
    ]
}

fn query(name: &str, desc: &str) -> Value {
    json!({ "name": name, "in": "query", "schema": { "type": "string" }, "description": desc })
}

fn path(name: &str, desc: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" }, "description": desc })
}

/// The document.
pub fn spec() -> Value {
    let signed_in = json!([{ "session": [] }]);
    let csrf = json!({ "name": "X-CSRF-Token", "in": "header", "required": true, "schema": { "type": "string" }, "description": "登录时返回的 csrf_token" });
    let mut village_params = vec![
        query("q", "名称或代码的一部分"),
        query("town", "只看该镇街（9 位代码）"),
        query("committee", "villagers | residents | statistical | unknown"),
    ];
    village_params.extend(paging());
    let mut people_params = vec![
        query("q", "姓名的一部分或身份证号码开头"),
        query("secretaries", "1：只看在任书记"),
    ];
    people_params.extend(paging());
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "头雁 touyan API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "村党组织书记专业化管理系统的 JSON 接口。镇街账户只能读到本镇街的村和人员；范围外的记录与不存在的记录同样返回 404。每次修改记入操作日志。"
        },
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": "touyan_session" } },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
                "Village": { "type": "object", "required": ["code", "name", "town_code"], "properties": {
                    "code": { "type": "string" }, "name": { "type": "string" }, "town_code": { "type": "string" },
                    "town_name": { "type": "string" }, "committee": { "type": "string" }, "secretary": { "type": ["string", "null"] } } },
                "Person": { "type": "object", "required": ["id", "name"], "properties": {
                    "id": { "type": "string", "description": "人员的引用（16 位十六进制，不含身份证号码）" }, "id_masked": { "type": "string", "description": "脱敏的身份证号码" },
                    "name": { "type": "string" }, "birth_year": { "type": "integer", "description": "出生年份（身份证号码脱敏时不显示出生日期）" },
                    "sex": { "type": "string" },
                    "education": { "type": "string", "description": "最高学历（全日制、在职取高者）" },
                    "full_time_education": { "type": ["string", "null"], "description": "全日制教育取得的最高学历；未登记为 null" },
                    "in_service_education": { "type": ["string", "null"], "description": "在职教育取得的最高学历；没有为 null" },
                    "current_post": { "type": ["object", "null"] } } },
                "VillageList": { "type": "object", "required": ["items", "total"], "properties": {
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/Village" } },
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" } } },
                "PersonList": { "type": "object", "required": ["items", "total"], "properties": {
                    "items": { "type": "array", "items": { "$ref": "#/components/schemas/Person" } },
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "per_page": { "type": "integer" } } }
            }
        },
        "paths": {
            "/api/v1/login": { "post": {
                "summary": "登录", "security": [],
                "requestBody": { "required": true, "content": { "application/json": { "schema": {
                    "type": "object", "required": ["username", "password"],
                    "properties": { "username": { "type": "string" }, "password": { "type": "string" } } } } } },
                "responses": {
                    "200": { "description": "已登录；Set-Cookie 带回会话", "content": { "application/json": { "schema": { "type": "object", "properties": {
                        "username": { "type": "string" }, "role": { "type": "string" }, "role_label": { "type": "string" },
                        "town_code": { "type": ["string", "null"] }, "csrf_token": { "type": "string" } } } } } },
                    "400": err("请求体不对"), "401": err("用户名或密码错误"),
                    "413": err("请求体超过 16 KB"),
                    "429": err("登录失败次数过多，须等待（Retry-After 秒）；不校验密码"),
                    "503": err("系统繁忙，请稍后再试（同时校验的密码已满）") } } },
            "/api/v1/logout": { "post": {
                "summary": "退出", "security": signed_in, "parameters": [csrf],
                "responses": { "204": { "description": "已退出" }, "401": err("未登录"), "403": err("CSRF 校验未通过") } } },
            "/api/v1/villages": { "get": {
                "summary": "村级单位列表", "security": signed_in, "parameters": village_params,
                "responses": { "200": { "description": "一页", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/VillageList" } } } },
                    "400": err("分页参数不对"), "401": err("未登录"), "403": err("角色无权") } } },
            "/api/v1/villages/{code}": { "get": {
                "summary": "一个村级单位及其任职、村情、后备、年轻干部、名单", "security": signed_in,
                "parameters": [path("code", "12 位代码")],
                "responses": { "200": { "description": "该村" }, "401": err("未登录"), "403": err("角色无权"), "404": err("不存在或不在范围内") } } },
            "/api/v1/people": { "get": {
                "summary": "人员列表", "security": signed_in, "parameters": people_params,
                "responses": { "200": { "description": "一页", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PersonList" } } } },
                    "400": err("分页参数不对"), "401": err("未登录"), "403": err("角色无权") } } },
            "/api/v1/people/{id}": { "get": {
                "summary": "一人一档", "security": signed_in,
                "parameters": [path("id", "人员的引用（列表中的 id）")],
                "responses": { "200": { "description": "任职、村情、培训、资格、挂职、测评、约谈、后备、年轻干部、目标、名单档次、报酬、退出" },
                    "401": err("未登录"), "403": err("角色无权"), "404": err("不存在或不在范围内") } } },
            "/api/v1/dashboard": { "get": {
                "summary": "首页图表数据：本年度各镇街名单人数、名额（第一条）、档次分布和需要处理的事项，按账户的镇街范围",
                "security": signed_in,
                "responses": { "200": { "description": "{ year, scope, totals: { towns, units, villages, secretaries, quota, listed, filed, towns_needing_action }, towns: [{ code, name, units, villages, secretaries, quota, listed, filed, tiers: [一档, 二档, 三档], reserve_villages, reserve_missing }]（范围内全部镇街，按代码）, chart: { of, selected, towns: [同上] }（首页图表所画：不超过 30 个镇街；超过时 selected 为 true，取超出名额、未备案、缺书记后备人数最多者，按代码排列）, warnings: [中文] }" },
                    "401": err("未登录") } } },
            "/api/v1/evaluate": { "post": {
                "summary": "按《办法》测算一个案例（与 touyan evaluate 同一合同）", "security": signed_in, "parameters": [csrf],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "description": "见 docs/evaluate-format.md" } } } },
                "responses": { "200": { "description": "与命令行输出相同的 JSON" },
                    "401": err("未登录"), "403": err("角色无权或 CSRF 校验未通过"),
                    "413": err("案例超过 32 MB"),
                    "503": err("系统繁忙：同时进行的测算已满"),
                    "422": err("输入有误：与命令行退出码 2 时的信息相同（含 JSON 路径）") } } }
        }
    })
}

pub async fn document() -> Json<Value> {
    Json(spec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_is_described_and_nothing_else() {
        let spec = spec();
        let paths = spec["paths"].as_object().unwrap();
        let mut described: Vec<(String, String)> = paths
            .iter()
            .flat_map(|(p, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), p.clone()))
            })
            .collect();
        described.sort();
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect();
        routes.sort();
        assert_eq!(described, routes);
    }
}

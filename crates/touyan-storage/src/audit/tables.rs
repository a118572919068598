//! What each table holds, in the words of the people who read the audit
//! trail: the page says "修改 专业化名单审核", never `list_reviews`.
//! Every table of the schema has its name here (tested against the
//! schema itself).

/// Every table the change log may name, with its Chinese name.
pub const TABLE_NAMES: &[(&str, &str)] = &[
    ("accounts", "服务账户"),
    ("admonitions", "约谈记录"),
    ("annual_plans", "年度工作计划"),
    ("attendance", "参训记录"),
    ("audit_chain_head", "操作日志链头"),
    ("ballots", "测评票数"),
    ("certificates", "资格证书"),
    ("change_log", "操作日志"),
    ("code_batches", "投票码批次"),
    ("condition_answers", "增设条件回答"),
    ("corrections", "更正与撤回记录"),
    ("cycle_secretaries", "建议名单（逐人）"),
    ("cycle_towns", "建议名单（镇街）"),
    ("daily_duty_rotas", "坐班值班安排"),
    ("daily_reports", "年度述职"),
    ("daily_work_records", "工作纪实"),
    ("data_version", "数据版本"),
    ("degree_enrolments", "学历教育"),
    ("eval_cases", "约谈或退出事项"),
    ("eval_raters", "评价人数"),
    ("eval_signoffs", "评价确认"),
    ("evaluations", "胜任度评价"),
    ("exam_results", "考试成绩"),
    ("exception_moves", "例外办理记录"),
    ("exits", "退出"),
    ("first_setup", "首次设置"),
    ("honours", "表彰"),
    ("import_copies", "导入标注副本"),
    ("leave_moves", "请假办理记录"),
    ("leave_requests", "请假申请"),
    ("list_drafts", "名单草稿"),
    ("list_entries", "专业化名单"),
    ("list_exceptions", "名单例外"),
    ("list_filings", "名单备案版本"),
    ("list_moves", "名单办理记录"),
    ("list_reviews", "名单审核"),
    ("login_sessions", "登录会话"),
    ("login_failures", "登录失败"),
    ("one_card_accounts", "一卡通账号"),
    ("paper_counts", "纸质票数"),
    ("pay_moves", "发放办理记录"),
    ("pay_parts", "报酬构成"),
    ("pay_records", "补贴发放记录"),
    ("pay_runs", "月度发放"),
    ("pension_subsidies", "养老补贴"),
    ("people", "人员"),
    ("plan_moves", "计划办理记录"),
    ("plan_reviews", "计划审核"),
    ("posts", "任职"),
    ("recruitments", "考录招聘"),
    ("reserve_reports", "后备培养报告"),
    ("reserves", "后备干部"),
    ("secondments", "挂职"),
    ("server_keys", "服务密钥"),
    ("three_good", "三好三强"),
    ("town_years", "镇街年度设置"),
    ("towns", "镇街"),
    ("training_sessions", "培训班次"),
    ("village_years", "村年度情况"),
    ("villages", "村级单位"),
    ("vote_counts", "投票计数"),
    ("vote_tokens", "投票码"),
    ("work_logs", "挂职日志"),
    ("young_cadres", "年轻干部"),
    ("young_candidates", "年轻干部人选"),
    ("young_moves", "年轻干部办理记录"),
];

/// The Chinese name of `table` (the table's own name when unknown, so
/// nothing is hidden).
pub fn table_zh(table: &str) -> &str {
    TABLE_NAMES
        .iter()
        .find(|(t, _)| *t == table)
        .map_or(table, |(_, zh)| zh)
}

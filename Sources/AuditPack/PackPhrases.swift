import Rules

/// The words of the HTML pack in one language. Why a table and not the web view's phrases: the pack
/// is a document for an auditor, read apart from obligd, with words the pages do not use.
struct PackPhrases {
    let language: Language
    let values: [String: String]

    subscript(_ key: String) -> String { values[key] ?? key }

    static func of(_ language: Language) -> PackPhrases {
        PackPhrases(language: language, values: language == .zhCN ? zh : en)
    }

    func workingDays(_ n: Int) -> String { language == .zhCN ? "\(n) 个工作日" : "\(n) working day\(n == 1 ? "" : "s")" }
    func days(_ n: Int) -> String { language == .zhCN ? "\(n) 个自然日" : "\(n) calendar day\(n == 1 ? "" : "s")" }
    func status(_ s: String) -> String { values["status." + s] ?? s }
    func action(_ a: String) -> String { values["action." + a] ?? a }

    static let en: [String: String] = [
        "title": "Audit pack", "entity": "Entity", "period": "Period", "generated": "Generated", "by": "by",
        "zone": "Time zone", "region": "Calendar region", "owner": "Owner",
        "chain": "Audit chain", "chainRows": "rows", "chainHead": "head row", "chainIntact": "verified intact when this pack was made",
        "chainBroken": "NOT intact when this pack was made:", "evidenceFiles": "evidence files hashed",
        "summary": "Summary", "obligations": "Obligations", "onTime": "On time", "late": "Late", "waived": "Waived",
        "open": "Open", "overdue": "Overdue", "lapsed": "Lapsed", "none": "No obligation of this entity was open in the period.",
        "obligation": "Obligation", "rule": "Rule", "legalBasis": "Legal basis", "trigger": "Trigger", "start": "Start",
        "periodLength": "Period", "roll": "Roll", "due": "Due", "calendars": "Calendars that decided it",
        "provisional": "provisional: decided by an estimated calendar year", "status": "Status", "closedOn": "Closed on",
        "outcome": "Outcome", "source": "Stated from audit row", "history": "History (every audit row)", "at": "At (UTC)",
        "actor": "By", "action": "Action", "what": "What", "row": "Audit row", "hash": "Hash", "evidence": "Evidence",
        "name": "Name", "size": "Size", "mediaType": "Type", "reference": "Reference", "added": "Added",
        "reminders": "Reminders", "stage": "Stage", "dueAt": "Due to fire", "firedAt": "Fired", "notice": "Notice id",
        "journal": "Journal", "deliveries": "Receivers and outcome", "journalOnly": "journal only (no webhook receiver)",
        "reason": "reason", "lateFired": "late",
        "proves": """
        This pack states what obligd recorded: each row names the audit row it comes from and that row's hash. \
        `obligctl report verify FILE` checks every row against the live audit trail. It proves what obligd \
        recorded, not that a regulator received a filing.
        """,
        "status.open": "open", "status.done": "done", "status.waived": "waived", "status.lapsed": "lapsed",
        "action.obligation.opened": "opened", "action.obligation.moved": "moved", "action.obligation.recomputed": "recomputed",
        "action.obligation.done": "done", "action.obligation.waived": "waived", "action.obligation.reopened": "reopened",
        "action.obligation.lapsed": "lapsed",
        "action.obligation.acknowledged": "acknowledged", "action.evidence.added": "evidence added",
        "action.obligation.underived": "no longer derived", "action.obligation.condition-unstated": "condition unstated"
    ]

    static let zh: [String: String] = [
        "title": "合规审计包", "entity": "主体", "period": "期间", "generated": "生成时间", "by": "操作人",
        "zone": "时区", "region": "日历地区", "owner": "负责人",
        "chain": "审计链", "chainRows": "行", "chainHead": "链头", "chainIntact": "生成本审计包时校验完整",
        "chainBroken": "生成本审计包时校验未通过：", "evidenceFiles": "已校验的证据文件",
        "summary": "概要", "obligations": "义务", "onTime": "按时", "late": "逾期完成", "waived": "豁免",
        "open": "未完成", "overdue": "已逾期", "lapsed": "已失效", "none": "该主体在此期间没有未完成的义务。",
        "obligation": "义务", "rule": "规则", "legalBasis": "法律依据", "trigger": "触发事实", "start": "起算",
        "periodLength": "期限", "roll": "顺延", "due": "截止日", "calendars": "决定截止日的日历",
        "provisional": "暂定：由估算的年度日历决定", "status": "状态", "closedOn": "完成日",
        "outcome": "结果", "source": "依据审计行", "history": "历史（全部审计行）", "at": "时间（UTC）",
        "actor": "操作人", "action": "动作", "what": "内容", "row": "审计行", "hash": "哈希", "evidence": "证据",
        "name": "文件名", "size": "大小", "mediaType": "类型", "reference": "文号", "added": "添加",
        "reminders": "提醒", "stage": "阶段", "dueAt": "应发时间", "firedAt": "发出时间", "notice": "通知编号",
        "journal": "日志", "deliveries": "接收方及结果", "journalOnly": "仅写入日志（无 webhook 接收方）",
        "reason": "原因", "lateFired": "迟发",
        "proves": """
        本审计包陈述 obligd 的记录：每一行注明其来源审计行及该行的哈希。`obligctl report verify FILE` \
        会将每一行与当前审计链核对。它证明 obligd 记录了什么，而不证明监管机构已收到报送。
        """,
        "status.open": "未完成", "status.done": "已完成", "status.waived": "已豁免", "status.lapsed": "已失效",
        "action.obligation.opened": "产生", "action.obligation.moved": "截止日变更", "action.obligation.recomputed": "重新计算",
        "action.obligation.done": "完成", "action.obligation.waived": "豁免", "action.obligation.reopened": "重新打开",
        "action.obligation.lapsed": "失效",
        "action.obligation.acknowledged": "认领", "action.evidence.added": "添加证据",
        "action.obligation.underived": "不再由规则产生", "action.obligation.condition-unstated": "条件未说明"
    ]
}

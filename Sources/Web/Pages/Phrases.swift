import Hummingbird
import Rules

/// The web view's languages, as the message templates have them: Simplified Chinese and English.
enum WebLanguage: String, Sendable, CaseIterable {
    case zhCN = "zh-CN"
    case en

    /// `?lang=` when given, else the first of `Accept-Language` obligd speaks, else Chinese.
    static func of(_ request: Request) -> WebLanguage {
        if let q = request.uri.queryParameters["lang"], let l = WebLanguage(rawValue: String(q)) { return l }
        for field in request.headers[values: .acceptLanguage] {
            for part in field.split(separator: ",") {
                let tag = part.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                if tag.hasPrefix("zh") { return .zhCN }
                if tag.hasPrefix("en") { return .en }
            }
        }
        return .zhCN
    }

    /// The rule pack's language of the same name: a rule's title and citation in the page's language.
    var rules: Language {
        switch self {
        case .en: .en
        case .zhCN: .zhCN
        }
    }

    /// Every phrase of the pages in this language, keyed as the templates use them (`{{t.overdue}}`).
    var phrases: [String: String] {
        switch self {
        case .en: Self.english
        case .zhCN: Self.chinese
        }
    }

    static let english: [String: String] = [
        "overview": "Deadlines", "signOut": "Sign out", "overdue": "Overdue", "week": "Due within 7 days",
        "month": "Due within 30 days", "later": "Later", "closed": "Closed", "entity": "Entity", "rule": "Rule",
        "status": "Status", "all": "All", "filter": "Show", "due": "Due", "left": "Left", "next": "Next reminder",
        "title": "Obligation", "provisional": "provisional", "custom": "custom", "open": "open", "done": "done", "waived": "waived",
        "lapsed": "lapsed",
        "trigger": "Trigger", "start": "Start", "period": "Period", "citation": "Legal basis", "explanation": "Why this day",
        "history": "History", "reminders": "Reminder plan", "stage": "Stage", "when": "When", "sent": "Sent", "planned": "to come",
        "passed": "not sent", "actor": "By", "action": "What", "note": "Note", "acknowledge": "I am on it",
        "until": "until", "markDone": "Mark done", "doneOn": "Done on", "waive": "Waive", "reason": "Reason",
        "acknowledged": "Acknowledged by", "readerNote": "You can read; ask for writer access to act.",
        "signInTitle": "Sign in to obligd", "signInButton": "Sign in", "signInAs": "This link signs you in as",
        "signInUsed": "This sign-in link is not valid: it was used, revoked or has expired. Ask for a new one (obligctl web invite).",
        "signedOut": "You are signed out.", "needSignIn": "Sign in with the link obligd sent you (obligctl web invite NAME).",
        "calendar": "Calendar", "counted": "working day counted", "rest": "rest day", "makeup": "make-up working day",
        "page": "Page", "previous": "Previous", "nextPage": "Next", "of": "of", "nothing": "Nothing here.",
        "role.reader": "reader", "role.writer": "writer", "weekdays": "Mo Tu We Th Fr Sa Su", "closedOn": "Closed on",
        "notFound": "No such page.", "forbidden": "Readers cannot change obligations.", "badForm": "The form could not be used",
        "tooMany": "Too many sign-in attempts; try again in a minute.", "actions": "Act",
        "formRefused": "This form has expired or came from another page; go back, reload it and try again.",
        "zone": "Zone", "owner": "Owner", "classifications": "Classifications", "since": "Since", "metrics": "Latest reports",
        "metric": "Metric", "value": "Value", "events": "Events", "event": "Event", "ref": "Reference",
        "sentTitle": "Sent to receivers", "message": "Message", "receiver": "Receiver",
        "outbox.dispatched": "journal only (no webhook receiver takes it)", "outbox.pending": "not yet routed",
        "outbox.dropped": "dropped", "outbox.invalid": "not readable",
        "delivery.pending": "queued", "delivery.delivered": "delivered", "delivery.dead": "failed", "delivery.dropped": "dropped",
        "delivery.superseded": "not sent (closed before)",
        "kind.obligation.opened": "opened", "kind.obligation.moved": "moved", "kind.obligation.done": "done",
        "kind.obligation.waived": "waived", "kind.obligation.reopened": "reopened", "kind.obligation.underived": "no longer derived",
        "kind.reminder": "reminder", "kind.digest": "digest", "kind.agenda": "agenda",
        "evidence": "Evidence", "evidenceFiles": "Evidence files", "reference": "Filing number",
        "file": "File", "size": "Size", "noEvidence": "No evidence attached.", "addEvidence": "Add evidence",
        "reportTitle": "Audit pack", "format": "Format", "makeReport": "Make the pack",
        "reportNote":
            "Everything obligd recorded about an entity's obligations in a period, with the audit rows it comes from: hand the file to an auditor, who checks it with obligctl report verify.",
        "statusTitle": "Status", "openCount": "Open obligations", "statusUnknown": "The daemon's health is not available here.",
        "health.ready": "ready",
        "health.degraded": "degraded: a receiver needs attention", "role.standalone": "standalone", "role.leader": "cluster leader",
        "role.follower": "cluster follower", "role.disagrees": "cluster: configuration differs",
        "role.unreachable": "cluster: database unreachable", "nextDue": "Ends next", "rules": "Rules", "receivers": "Receivers",
        "queued": "Queued", "oldest": "Oldest waits", "deadLetters": "Dead letters", "lastError": "Last error",
        "nextProbe": "next probe", "noReceivers": "No webhook receivers are configured; reminders go to the journal only.",
        "receiver.ok": "ok", "receiver.failing": "failing (retrying)", "receiver.paused": "paused (configuration rejected)",
        "receiver.dead-letters": "has dead letters", "receiver.unconfigured": "no longer configured",
        "noCalendar": "No calendar for", "notice": "Notice", "published": "published",
        "estimated":
            "No official notice loaded for this year: weekends and statutory holidays, estimated; deadlines reaching into it are provisional",
        "holidays": "Holidays", "holiday": "Holiday", "from": "From", "to": "To", "days": "Days"
    ]

    static let chinese: [String: String] = [
        "overview": "期限", "signOut": "退出", "overdue": "已逾期", "week": "7 天内到期", "month": "30 天内到期", "later": "更晚",
        "closed": "已关闭", "entity": "主体", "rule": "规则", "status": "状态", "all": "全部", "filter": "显示", "due": "到期日",
        "left": "剩余", "next": "下次提醒", "title": "义务", "provisional": "暂定", "custom": "自定义", "open": "未完成",
        "done": "已完成", "waived": "已豁免", "lapsed": "已失效", "trigger": "触发", "start": "起算", "period": "期间", "citation": "法律依据",
        "explanation": "为何是这一天", "history": "记录", "reminders": "提醒计划", "stage": "阶段", "when": "时间", "sent": "已发送",
        "planned": "待发送", "passed": "未发送", "actor": "操作人", "action": "操作", "note": "备注", "acknowledge": "我来处理",
        "until": "至", "markDone": "标记完成", "doneOn": "完成日期", "waive": "豁免", "reason": "理由", "acknowledged": "已由以下人员认领",
        "readerNote": "您只能查看；如需操作，请申请写入权限。", "signInTitle": "登录 obligd", "signInButton": "登录",
        "signInAs": "此链接将以下列身份登录", "signInUsed": "此登录链接无效：已使用、已撤销或已过期。请申请新的链接（obligctl web invite）。",
        "signedOut": "您已退出。", "needSignIn": "请使用 obligd 发给您的链接登录（obligctl web invite NAME）。", "calendar": "日历",
        "counted": "计入的工作日", "rest": "休息日", "makeup": "调休上班日", "page": "第", "previous": "上一页", "nextPage": "下一页",
        "of": "页，共", "nothing": "无。", "role.reader": "只读", "role.writer": "可写", "weekdays": "一 二 三 四 五 六 日",
        "closedOn": "关闭于", "notFound": "没有此页面。", "forbidden": "只读用户不能更改义务。", "badForm": "表单无法使用",
        "tooMany": "登录尝试过多，请一分钟后再试。", "actions": "操作",
        "formRefused": "此表单已过期或来自其他页面；请返回、刷新后重试。",
        "zone": "时区", "owner": "负责人", "classifications": "分类", "since": "起", "metrics": "最新报告", "metric": "指标",
        "value": "数值", "events": "事件", "event": "事件", "ref": "编号",
        "sentTitle": "已发送的消息", "message": "消息", "receiver": "接收方", "outbox.dispatched": "仅记入日志（没有 webhook 接收方接收）",
        "outbox.pending": "尚未路由", "outbox.dropped": "已丢弃", "outbox.invalid": "无法读取",
        "delivery.pending": "排队中", "delivery.delivered": "已送达", "delivery.dead": "发送失败", "delivery.dropped": "已丢弃",
        "delivery.superseded": "未发送（已先关闭）",
        "kind.obligation.opened": "新义务", "kind.obligation.moved": "期限变更", "kind.obligation.done": "已完成",
        "kind.obligation.waived": "已豁免", "kind.obligation.reopened": "重新打开", "kind.obligation.underived": "不再由规则产生",
        "kind.reminder": "提醒", "kind.digest": "汇总", "kind.agenda": "日程",
        "evidence": "证明材料", "evidenceFiles": "证明文件", "reference": "备案编号", "file": "文件",
        "size": "大小", "noEvidence": "尚无证明材料。", "addEvidence": "添加证明材料",
        "reportTitle": "审计包", "format": "格式", "makeReport": "生成审计包",
        "reportNote": "obligd 记录的某主体在一段期间内全部义务的情况，并附每项所依据的审计记录：可将文件交给审计人员，用 obligctl report verify 核验。",
        "statusTitle": "状态", "openCount": "未完成义务", "statusUnknown": "此处无法获取守护进程的健康状态。", "health.ready": "正常",
        "health.degraded": "降级：有接收方需要处理", "role.standalone": "单机", "role.leader": "集群主节点",
        "role.follower": "集群从节点", "role.disagrees": "集群：配置不一致", "role.unreachable": "集群：数据库不可达",
        "nextDue": "最近到期", "rules": "规则", "receivers": "接收方", "queued": "排队", "oldest": "最久等待", "deadLetters": "死信",
        "lastError": "最近错误", "nextProbe": "下次探测", "noReceivers": "未配置 webhook 接收方；提醒仅写入日志。",
        "receiver.ok": "正常", "receiver.failing": "失败（重试中）", "receiver.paused": "已暂停（配置被拒）",
        "receiver.dead-letters": "有死信", "receiver.unconfigured": "已不在配置中",
        "noCalendar": "没有日历：", "notice": "通知", "published": "发布于",
        "estimated": "本年度尚未载入官方通知：按周末和法定节假日估算；涉及本年的期限为暂定",
        "holidays": "节假日", "holiday": "节日", "from": "起", "to": "止", "days": "天数"
    ]
}

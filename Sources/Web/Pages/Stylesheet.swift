/// The one stylesheet, served from `/static/obligd.css` (the Content-Security-Policy allows styles
/// from obligd itself only, none inline). Print-friendly, no web fonts: Noto CJK or the system's.
enum Stylesheet {
    static let css = """
        :root { --fg: #1d2433; --muted: #5b6475; --line: #d9dee8; --bg: #f6f7fa; --accent: #1f5fbf;
                --overdue: #b3261e; --week: #b26a00; --ok: #2e7d32; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, "Noto Sans CJK SC", "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
        header.top { display: flex; gap: 1rem; align-items: center; padding: .6rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
        header.top .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
        header.top .who { margin-left: auto; color: var(--muted); }
        header.top .lang { color: var(--muted); }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
        h1 { font-size: 1.5rem; margin: .6rem 0; } h2 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
        h2 .n { color: var(--muted); font-weight: 400; }
        a { color: var(--accent); }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; color: var(--muted); font-size: .85rem; }
        section.overdue h2 { color: var(--overdue); } section.week h2 { color: var(--week); }
        section.overdue td.due { color: var(--overdue); font-weight: 600; }
        .wd { color: var(--muted); font-size: .85rem; }
        .tag { font-size: .75rem; padding: 0 .35rem; border-radius: .6rem; border: 1px solid; }
        .tag.prov { color: var(--week); } .tag.ack { color: var(--ok); }
        .filters { display: flex; gap: .8rem; flex-wrap: wrap; align-items: end; margin: .4rem 0; }
        .counts .count { margin-right: 1rem; } .counts .overdue b { color: var(--overdue); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #fff;
                   border: 1px solid var(--line); padding: .8rem 1rem; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
        .status.open { color: var(--fg); } .status.done { color: var(--ok); } .status.waived { color: var(--muted); } .status.lapsed { color: var(--muted); }
        section.act { display: grid; gap: .6rem; }
        section.act form, form.filters { background: #fff; border: 1px solid var(--line); padding: .6rem .8rem; }
        section.act form { display: flex; gap: .6rem; flex-wrap: wrap; align-items: end; }
        input, select, button { font: inherit; padding: .25rem .5rem; }
        button { background: var(--accent); color: #fff; border: 0; border-radius: .3rem; cursor: pointer; }
        button.secondary { background: var(--muted); }
        button.link { background: none; color: var(--accent); padding: 0; text-decoration: underline; }
        form.inline { display: inline; }
        .why { color: var(--muted); font-size: .85rem; }
        tr.passed td { color: var(--muted); } tr.sent td:last-child { color: var(--ok); }
        .months { display: flex; flex-wrap: wrap; gap: .8rem; margin-top: .6rem; }
        table.month { width: auto; font-size: .8rem; }
        table.month caption { font-weight: 600; text-align: left; padding: .2rem 0; }
        table.month td, table.month th { width: 2rem; text-align: center; padding: .15rem; }
        .g-counted { background: #dcebff; } .g-rest { background: #eee; color: #999; }
        .g-makeup { background: #fff0c2; font-weight: 700; } .g-start { outline: 2px solid var(--muted); }
        .g-due { background: var(--overdue); color: #fff; font-weight: 700; }
        .legend span { display: inline-block; width: 1.4rem; text-align: center; }
        section.signin { background: #fff; border: 1px solid var(--line); padding: 1.2rem; max-width: 32rem; margin: 3rem auto; }
        .note { color: var(--muted); }
        nav.pages { display: flex; gap: 1rem; margin: 1rem 0; } nav.pages a.selected { font-weight: 700; }
        header.top nav a { margin-right: .6rem; }
        .g-holiday { background: #ffd9d6; color: var(--overdue); }
        .problem { color: var(--overdue); } .status.degraded { color: var(--overdue); } .source { color: var(--muted); }
        tr.r-paused td, tr.r-failing td, tr.r-dead-letters td, tr.dead td { color: var(--overdue); }
        tr.delivered td:last-child { color: var(--ok); }
        td.hash { font-family: monospace; font-size: .75rem; word-break: break-all; max-width: 16rem; }
        form.act { display: flex; gap: .6rem; flex-wrap: wrap; align-items: end; background: #fff; border: 1px solid var(--line);
                   padding: .6rem .8rem; margin-top: .6rem; }
        @media print { header.top, section.act, form.filters, nav.pages { display: none; } body { background: #fff; } }
        """
}

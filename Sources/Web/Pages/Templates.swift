import Mustache

/// The pages' templates (swift-mustache). `{{name}}` escapes HTML, and no template uses `{{{ }}}` or
/// `{{& }}`: every text a user or a rule pack gave is rendered as text. A page fills `content` of
/// `layout` (template inheritance), so the header, the language links and the stylesheet are one.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [
            ("layout", layout), ("overview", overview), ("obligation", obligation), ("signin", signIn), ("message", message),
            ("entity", entity), ("status", status), ("calendar", calendar), ("months", months), ("report", report)
        ] {
            // The templates are fixed text checked by the tests; one that does not parse is a build defect.
            try! library.register(text, named: name)
        }
        return library
    }()

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{pageTitle}} · obligd</title>
        <link rel="stylesheet" href="/static/obligd.css">
        </head>
        <body>
        <header class="top">
          <a class="brand" href="/?lang={{lang}}">obligd</a>
          {{#who}}
          <nav><a href="/?lang={{lang}}">{{t.overview}}</a> <a href="/calendar?lang={{lang}}">{{t.calendar}}</a>
            <a href="/report?lang={{lang}}">{{t.reportTitle}}</a> <a href="/status?lang={{lang}}">{{t.statusTitle}}</a></nav>
          <span class="who">{{name}} · {{role}}</span>
          <form class="inline" method="post" action="/signout?lang={{lang}}">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" class="link">{{t.signOut}}</button>
          </form>
          {{/who}}
          <span class="lang"><a href="?lang=zh-CN">中文</a> · <a href="?lang=en">English</a></span>
        </header>
        <main>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let overview = """
        {{<layout}}{{$content}}
        <h1>{{t.overview}}</h1>
        <form class="filters" method="get" action="/">
          <input type="hidden" name="lang" value="{{lang}}">
          <label>{{t.entity}} <select name="entity"><option value="">{{t.all}}</option>
            {{#entities}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/entities}}</select></label>
          <label>{{t.rule}} <select name="rule"><option value="">{{t.all}}</option>
            {{#rules}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/rules}}</select></label>
          <label>{{t.status}} <select name="status">
            {{#statuses}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
          <button type="submit">{{t.filter}}</button>
        </form>
        <p class="counts">{{#counts}}<span class="count {{key}}">{{label}}: <b>{{n}}</b></span> {{/counts}}</p>
        {{#sections}}
        <section class="{{key}}">
          <h2>{{label}} <span class="n">{{count}}</span></h2>
          <table>
            <thead><tr><th>#</th><th>{{t.entity}}</th><th>{{t.title}}</th><th>{{t.due}}</th><th>{{t.left}}</th><th>{{t.next}}</th></tr></thead>
            <tbody>
            {{#rows}}
            <tr>
              <td><a href="/obligations/{{id}}?lang={{lang}}">{{id}}</a></td>
              <td><a href="/entities/{{entityPath}}?lang={{lang}}">{{entity}}</a></td>
              <td><a href="/obligations/{{id}}?lang={{lang}}">{{title}}</a>{{#provisional}} <span class="tag prov">{{t.provisional}}</span>{{/provisional}}{{#ack}} <span class="tag ack">✓ {{ack}}</span>{{/ack}}</td>
              <td class="due">{{due}} <span class="wd">{{weekday}}</span></td>
              <td>{{left}}</td>
              <td>{{next}}</td>
            </tr>
            {{/rows}}
            </tbody>
          </table>
        </section>
        {{/sections}}
        {{^sections}}<p>{{t.nothing}}</p>{{/sections}}
        <nav class="pages">{{#previous}}<a href="{{previous}}">← {{t.previous}}</a>{{/previous}}
          <span>{{t.page}} {{page}} {{t.of}} {{pages}}</span>
          {{#nextPage}}<a href="{{nextPage}}">{{t.nextPage}} →</a>{{/nextPage}}</nav>
        {{/content}}{{/layout}}
        """

    static let obligation = """
        {{<layout}}{{$content}}
        <p class="crumbs"><a href="/?lang={{lang}}">{{t.overview}}</a> › #{{o.id}}</p>
        <h1>{{o.title}}</h1>
        <p class="status {{o.status}}">{{o.statusLabel}}{{#o.provisional}} · <span class="tag prov">{{t.provisional}}</span>{{/o.provisional}}
          {{#o.closedOn}} · {{t.closedOn}} {{o.closedOn}}{{/o.closedOn}}{{#o.ack}} · {{t.acknowledged}} {{o.ack}}{{/o.ack}}</p>
        <dl class="facts">
          <dt>{{t.due}}</dt><dd class="due">{{o.due}} ({{o.weekday}}) · {{o.left}}</dd>
          <dt>{{t.entity}}</dt><dd><a href="/entities/{{o.entityPath}}?lang={{lang}}">{{o.entity}}</a></dd>
          <dt>{{t.rule}}</dt><dd>{{o.rule}}</dd>
          {{#o.citation}}<dt>{{t.citation}}</dt><dd>{{o.citation}}</dd>{{/o.citation}}
          <dt>{{t.trigger}}</dt><dd>{{o.trigger}}</dd>
          <dt>{{t.start}} / {{t.period}}</dt><dd>{{o.start}} · {{o.period}}</dd>
          {{#o.closedNote}}<dt>{{t.note}}</dt><dd>{{o.closedNote}}</dd>{{/o.closedNote}}
        </dl>
        {{#canAct}}
        <section class="act">
          <h2>{{t.actions}}</h2>
          <form method="post" action="/obligations/{{o.id}}/acknowledge?lang={{lang}}">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.note}} <input name="note" required maxlength="2000"></label>
            <label>{{t.until}} <input name="until" type="date"></label>
            <button type="submit">{{t.acknowledge}}</button>
          </form>
          <form method="post" action="/obligations/{{o.id}}/done?lang={{lang}}" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.doneOn}} <input name="date" type="date" value="{{today}}"></label>
            <label>{{t.note}} <input name="note" maxlength="2000"></label>
            <label>{{t.evidenceFiles}} <input name="evidence" type="file" multiple></label>
            <label>{{t.reference}} <input name="reference" maxlength="200"></label>
            <button type="submit">{{t.markDone}}</button>
          </form>
          <form method="post" action="/obligations/{{o.id}}/waive?lang={{lang}}">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.reason}} <input name="reason" required maxlength="2000"></label>
            <button type="submit" class="secondary">{{t.waive}}</button>
          </form>
        </section>
        {{/canAct}}
        {{#readOnly}}<p class="note">{{t.readerNote}}</p>{{/readOnly}}
        <section>
          <h2>{{t.evidence}}</h2>
          <table class="evidence">
            <thead><tr><th>#</th><th>{{t.file}}</th><th>{{t.size}}</th><th>SHA-256</th><th>{{t.when}}</th><th>{{t.actor}}</th></tr></thead>
            <tbody>{{#evidence}}<tr><td>{{number}}</td><td><a href="{{href}}">{{name}}</a>{{#reference}}<div class="why">{{reference}}</div>{{/reference}}</td>
              <td>{{size}}</td><td class="hash">{{sha256}}</td><td>{{at}}</td><td>{{actor}}</td></tr>{{/evidence}}</tbody>
          </table>
          {{^evidence}}<p>{{t.noEvidence}}</p>{{/evidence}}
          {{#canAddEvidence}}
          <form class="act" method="post" action="/obligations/{{o.id}}/evidence?lang={{lang}}" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.evidenceFiles}} <input name="evidence" type="file" multiple></label>
            <label>{{t.reference}} <input name="reference" maxlength="200"></label>
            <button type="submit">{{t.addEvidence}}</button>
          </form>
          {{/canAddEvidence}}
        </section>
        <section>
          <h2>{{t.explanation}}</h2>
          <ul class="explanation">{{#explanation}}<li>{{.}}</li>{{/explanation}}</ul>
          {{>months}}
          {{#hasMonths}}<p class="legend">{{#countsWorkingDays}}<span class="g-counted">1</span> {{t.counted}} {{/countsWorkingDays}}<span class="g-rest">1</span> {{t.rest}}
            <span class="g-makeup">1</span> {{t.makeup}} <span class="g-due">1</span> {{t.due}}</p>{{/hasMonths}}
        </section>
        <section>
          <h2>{{t.reminders}}</h2>
          <table>
            <thead><tr><th>{{t.stage}}</th><th>{{t.when}}</th><th>{{t.status}}</th></tr></thead>
            <tbody>{{#reminders}}<tr class="{{state}}"><td>{{stage}}</td><td>{{local}}{{#note}}<div class="why">{{note}}</div>{{/note}}</td><td>{{stateLabel}}</td></tr>{{/reminders}}</tbody>
          </table>
        </section>
        <section>
          <h2>{{t.sentTitle}}</h2>
          <table class="sent">
            <thead><tr><th>{{t.when}}</th><th>{{t.message}}</th><th>{{t.receiver}}</th><th>{{t.status}}</th></tr></thead>
            <tbody>{{#sent}}{{#receivers}}<tr class="{{status}}"><td>{{at}}</td><td>{{kind}}</td><td>{{receiver}}</td>
              <td>{{statusLabel}} {{when}}{{#error}}<div class="why">{{error}}</div>{{/error}}</td></tr>{{/receivers}}
              {{#journalOnly}}<tr><td>{{at}}</td><td>{{kind}}</td><td>{{outbox}}</td><td></td></tr>{{/journalOnly}}{{/sent}}</tbody>
          </table>
          {{^sent}}<p>{{t.nothing}}</p>{{/sent}}
        </section>
        <section>
          <h2>{{t.history}}</h2>
          <table>
            <thead><tr><th>{{t.when}}</th><th>{{t.actor}}</th><th>{{t.action}}</th><th>{{t.note}}</th></tr></thead>
            <tbody>{{#history}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{note}}</td></tr>{{/history}}</tbody>
          </table>
        </section>
        {{/content}}{{/layout}}
        """

    static let entity = """
        {{<layout}}{{$content}}
        <p class="crumbs"><a href="/?lang={{lang}}">{{t.overview}}</a> › {{e.id}}</p>
        <h1>{{e.name}}</h1>
        <dl class="facts">
          <dt>{{t.entity}}</dt><dd>{{e.id}}</dd>
          <dt>{{t.zone}}</dt><dd>{{e.zone}} · {{e.region}}</dd>
          <dt>{{t.owner}}</dt><dd>{{e.owner}}</dd>
          <dt>{{t.open}}</dt><dd><a href="{{e.overview}}">{{e.open}}</a></dd>
        </dl>
        <section>
          <h2>{{t.classifications}}</h2>
          <table><thead><tr><th>{{t.rule}}</th><th>{{t.since}}</th><th>{{t.until}}</th></tr></thead>
          <tbody>{{#classifications}}<tr{{^active}} class="passed"{{/active}}><td>{{rule}}</td><td>{{since}}</td><td>{{until}}</td></tr>{{/classifications}}</tbody></table>
          {{^classifications}}<p>{{t.nothing}}</p>{{/classifications}}
        </section>
        <section>
          <h2>{{t.metrics}}</h2>
          <table><thead><tr><th>{{t.metric}}</th><th>{{t.value}}</th><th>{{t.when}}</th></tr></thead>
          <tbody>{{#metrics}}<tr><td>{{metric}}</td><td>{{value}}</td><td>{{at}}</td></tr>{{/metrics}}</tbody></table>
          {{^metrics}}<p>{{t.nothing}}</p>{{/metrics}}
        </section>
        <section>
          <h2>{{t.events}}</h2>
          <table><thead><tr><th>{{t.event}}</th><th>{{t.when}}</th><th>{{t.ref}}</th></tr></thead>
          <tbody>{{#events}}<tr><td>{{kind}}</td><td>{{at}}</td><td>{{ref}}</td></tr>{{/events}}</tbody></table>
          {{^events}}<p>{{t.nothing}}</p>{{/events}}
        </section>
        {{/content}}{{/layout}}
        """

    static let signIn = """
        {{<layout}}{{$content}}
        <section class="signin">
          <h1>{{t.signInTitle}}</h1>
          {{#valid}}
          <p>{{t.signInAs}} <b>{{person}}</b> ({{role}}).</p>
          <form method="post" action="/signin?lang={{lang}}">
            <input type="hidden" name="token" value="{{token}}">
            <input type="hidden" name="nonce" value="{{nonce}}">
            <button type="submit">{{t.signInButton}}</button>
          </form>
          {{/valid}}
          {{^valid}}<p>{{message}}</p>{{/valid}}
        </section>
        {{/content}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$content}}
        <section class="signin"><h1>{{heading}}</h1><p>{{message}}</p></section>
        {{/content}}{{/layout}}
        """

    static let status = """
        {{<layout}}{{$content}}
        <h1>{{t.statusTitle}}</h1>
        <p class="status {{#ready}}open{{/ready}}{{^ready}}degraded{{/ready}}"><b>{{statusLabel}}</b> · obligd {{version}} · {{role}}</p>
        {{#cluster}}<p class="problem">{{cluster}}</p>{{/cluster}}
        {{#problems}}<p class="problem">{{.}}</p>{{/problems}}
        <dl class="facts">
          <dt>{{t.openCount}}</dt><dd><a href="/?lang={{lang}}">{{open}}</a></dd>
          <dt>{{t.overdue}}</dt><dd>{{overdue}}</dd>
          {{#next}}<dt>{{t.nextDue}}</dt><dd><a href="/obligations/{{id}}?lang={{lang}}">#{{id}} {{title}}</a> · {{entity}} · {{due}}</dd>{{/next}}
          <dt>{{t.rules}}</dt><dd>{{rules}}</dd>
        </dl>
        <section>
          <h2>{{t.receivers}}</h2>
          <table class="receivers">
            <thead><tr><th>{{t.receiver}}</th><th>{{t.status}}</th><th>{{t.queued}}</th><th>{{t.oldest}}</th><th>{{t.deadLetters}}</th>
              <th>{{t.since}}</th><th>{{t.lastError}}</th></tr></thead>
            <tbody>{{#receivers}}<tr class="r-{{state}}"><td>{{name}}</td><td>{{stateLabel}}</td><td>{{pending}}</td><td>{{oldest}}</td>
              <td>{{dead}}</td><td>{{since}}</td><td>{{error}}{{#probe}}<div class="why">{{t.nextProbe}} {{probe}}</div>{{/probe}}</td></tr>{{/receivers}}</tbody>
          </table>
          {{^receivers}}<p>{{t.noReceivers}}</p>{{/receivers}}
        </section>
        {{/content}}{{/layout}}
        """

    static let calendar = """
        {{<layout}}{{$content}}
        <h1>{{t.calendar}} {{region}} {{year}}</h1>
        <nav class="pages">{{#previous}}<a href="{{href}}">← {{year}}</a>{{/previous}}
          {{#regions}}<a href="{{href}}"{{#selected}} class="selected"{{/selected}}>{{label}}</a> {{/regions}}
          {{#nextYear}}<a href="{{href}}">{{year}} →</a>{{/nextYear}}</nav>
        {{#source.official}}<p class="source">{{t.notice}}: {{source.notice}}{{#source.published}} ({{t.published}} {{source.published}}){{/source.published}}
          · {{source.file}} v{{source.version}}</p>{{/source.official}}
        {{^source.official}}<p class="problem"><span class="tag prov">{{t.provisional}}</span> {{t.estimated}} ({{source.method}})</p>{{/source.official}}
        <section>
          <h2>{{t.holidays}}</h2>
          <table class="holidays">
            <thead><tr><th>{{t.holiday}}</th><th>{{t.from}}</th><th>{{t.to}}</th><th>{{t.days}}</th><th>{{t.makeup}}</th></tr></thead>
            <tbody>{{#holidays}}<tr><td>{{name}}</td><td>{{first}}</td><td>{{last}}</td><td>{{days}}</td><td>{{makeUp}}</td></tr>{{/holidays}}</tbody>
          </table>
        </section>
        {{>months}}
        <p class="legend"><span class="g-rest">1</span> {{t.rest}} <span class="g-makeup">1</span> {{t.makeup}}</p>
        {{/content}}{{/layout}}
        """

    /// The month grids (`MonthGrid`), a partial of the obligation and calendar pages.
    static let months = """
        <div class="months">
        {{#months}}
          <table class="month"><caption>{{name}}</caption>
            <thead><tr>{{#weekdays}}<th>{{.}}</th>{{/weekdays}}</tr></thead>
            <tbody>{{#weeks}}<tr>{{#days}}<td class="{{kind}}" title="{{title}}">{{day}}</td>{{/days}}</tr>{{/weeks}}</tbody>
          </table>
        {{/months}}
        </div>
        """

    /// The audit pack's form: a GET, since making a pack changes nothing.
    static let report = """
        {{<layout}}{{$content}}
        <h1>{{t.reportTitle}}</h1>
        <p class="note">{{t.reportNote}}</p>
        <form class="filters" method="get" action="/report">
          <input type="hidden" name="lang" value="{{lang}}">
          <label>{{t.entity}} <select name="entity" required>{{#entities}}<option value="{{id}}">{{label}}</option>{{/entities}}</select></label>
          <label>{{t.from}} <input name="from" type="date" value="{{from}}" required></label>
          <label>{{t.to}} <input name="to" type="date" value="{{to}}" required></label>
          <label>{{t.format}} <select name="format"><option value="html">HTML</option><option value="json">JSON</option></select></label>
          <button type="submit">{{t.makeReport}}</button>
        </form>
        {{/content}}{{/layout}}
        """
}

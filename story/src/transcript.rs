//! The transcript: how one exchange is written down, and, in a live demo, printed.
//!
//! Every exchange is rendered with the [`Redactor`]'s placeholders into the transcript,
//! which is what the snapshot holds. A live demo prints the same lines as they happen;
//! with `--reveal` it prints a second rendering with the real values instead. The
//! snapshot never sees a real value either way.
//!
//! Only a demo prints the rest: a story's set-up requests, numbered after the step they
//! follow (`0a`, `0b`: before step 1), and, with `--live`, the steps skipped because they
//! need the story's clock. A test's transcript never holds either.

use std::fmt::Write as _;
use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::live::{LiveOptions, Style};
use super::redact::Redactor;
use crate::reply::Reply;

/// Request and response headers worth showing a student. The rest (date, content-length,
/// host...) change nothing about the lesson and only add noise.
const SHOWN_HEADERS: &[&str] = &[
    "cookie",
    "content-type",
    "set-cookie",
    "location",
    "cache-control",
    "retry-after",
];

/// Bodies longer than this are summarised, not printed.
const MAX_SHOWN_BODY: usize = 2048;

/// What the story and its clients share: the transcript and where the server is.
pub(crate) struct Transcript {
    pub(crate) text: String,
    /// The number of the last step written.
    pub(crate) step: usize,
    /// Set for a live demo: how to print.
    pub(crate) live: Option<LiveOptions>,
    pub(crate) redactor: Redactor,
    pub(crate) base_url: String,
    /// Set-up requests since the last step: the next one's letter.
    set_ups: usize,
}

/// One request as it was sent, for the transcript.
pub(crate) struct Sent<'a> {
    pub(crate) client: &'a str,
    pub(crate) title: &'a str,
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

impl Transcript {
    pub(crate) fn new(live: Option<LiveOptions>) -> Self {
        Self {
            text: String::new(),
            step: 0,
            live,
            redactor: Redactor::default(),
            base_url: String::new(),
            set_ups: 0,
        }
    }

    /// Whether a live demo prints what belongs to step `step` (`--from` skips the first ones).
    pub(crate) fn prints(&self, step: usize) -> Option<&LiveOptions> {
        self.live.as_ref().filter(|live| step.max(1) >= live.from)
    }

    /// Writes one exchange as the next step. `curl` is the command that replays it, printed
    /// under the step in a live demo with `--curl`, never written to the transcript.
    pub(crate) fn write_exchange(&mut self, sent: &Sent, reply: &Reply, curl: String) {
        // Learn the values to hide before rendering anything.
        if let Ok(json) = serde_json::from_str::<Value>(&reply.body) {
            self.redactor.learn_json(&json);
        }
        self.step += 1;
        self.set_ups = 0;
        let label = self.step.to_string();
        let lines = render(&label, sent, Some(reply), Some(&mut self.redactor));
        for (line, _) in &lines {
            let _ = writeln!(self.text, "{line}");
        }
        let Some(live) = self.prints(self.step).cloned() else {
            return;
        };
        let shown = if live.reveal {
            render(&label, sent, Some(reply), None)
        } else {
            lines
        };
        print_lines(&live, shown, curl);
    }

    /// Prints a set-up request in a demo: a request that prepares the server for the
    /// story (an account that exists already) and is no step of it. Numbered after the
    /// step it follows (`0a`: before step 1), so the steps keep their numbers; its answer
    /// shown down to the status. The transcript and the placeholders are left as they were.
    pub(crate) fn write_set_up(&mut self, sent: &Sent, reply: &Reply, curl: String) {
        let letter = char::from(b'a' + (self.set_ups % 26) as u8);
        self.set_ups += 1;
        let Some(live) = self.prints(self.step + 1).cloned() else {
            return;
        };
        let label = format!("{}{letter}", self.step);
        let title = format!("set-up: {}", sent.title);
        let sent = Sent {
            title: &title,
            ..*sent
        };
        // A copy of the redactor: what it learns here must not renumber the story's values.
        let mut scratch = self.redactor.clone();
        let redactor = (!live.reveal).then_some(&mut scratch);
        let mut lines = render(&label, &sent, Some(reply), redactor);
        if let Some(status) = lines.iter().position(|(line, _)| line.contains('◀')) {
            lines.truncate(status + 1);
        }
        print_lines(&live, lines, curl);
    }

    /// Writes a line of narration or a note. It leads into the next step, so a demo
    /// prints it with that step (`--from 4` prints what comes between steps 3 and 4).
    pub(crate) fn write(&mut self, text: &str, style: Style) {
        self.text.push_str(text);
        if let Some(live) = self.prints(self.step + 1) {
            live.print(style, text);
        }
    }
}

/// Prints rendered lines in a demo, then the curl that replays them if `--curl` asks.
fn print_lines(live: &LiveOptions, lines: Vec<(String, Style)>, curl: String) {
    for (line, style) in lines {
        live.print(style, &format!("{line}\n"));
    }
    if live.curl {
        live.print(Style::Note, &format!("  $ {curl}\n"));
    }
}

/// One exchange as lines, headed `label` (`3`, or `0a` for a set-up request): the request,
/// then, if there is one, the reply. With a `redactor`, every value that changes from run
/// to run is shown as its placeholder; without one, as it is (`--reveal`).
fn render(
    label: &str,
    sent: &Sent,
    reply: Option<&Reply>,
    mut redactor: Option<&mut Redactor>,
) -> Vec<(String, Style)> {
    let mut header = |name: &str, value: &str| match redactor.as_deref_mut() {
        Some(redactor) => redactor.header(name, value),
        None => value.to_owned(),
    };
    let indent = " ".repeat(sent.client.chars().count() + 1);
    let mut lines = Vec::new();
    lines.push((heading(label, sent.title), Style::Title));
    lines.push((
        format!("{} ▶ {} {}", sent.client, sent.method, sent.path),
        Style::Request,
    ));
    for (name, value) in sent.headers {
        let value = header(name, value);
        lines.push((format!("{indent}  {name}: {value}"), Style::Plain));
    }
    for line in render_body(sent.body) {
        lines.push((format!("{indent}  {line}"), Style::Plain));
    }
    if let Some(reply) = reply {
        let status_style = match reply.status {
            200..=399 => Style::Ok,
            _ => Style::Error,
        };
        lines.push((
            format!("{indent}◀ {}", status_line(reply.status)),
            status_style,
        ));
        for shown in SHOWN_HEADERS {
            for (name, value) in &reply.headers {
                if name == shown && name != "cookie" {
                    let value = header(name, value);
                    lines.push((format!("{indent}  {name}: {value}"), Style::Plain));
                }
            }
        }
        for line in render_body(reply.body.as_bytes()) {
            lines.push((format!("{indent}  {line}"), Style::Plain));
        }
    }
    let Some(redactor) = redactor else {
        return lines;
    };
    // Last, hide every known value wherever it appears (a path, a body, a header).
    lines
        .into_iter()
        .map(|(line, style)| (redactor.scrub(&line), style))
        .collect()
}

/// `── 3. Alice logs in ─────…`, 72 columns wide.
fn heading(label: &str, title: &str) -> String {
    let heading = format!("── {label}. {title} ");
    let fill = 72usize.saturating_sub(heading.chars().count());
    format!("{heading}{}", "─".repeat(fill))
}

fn status_line(status: u16) -> String {
    if status == 0 {
        return "(no response)".to_owned();
    }
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{status} {reason}")
}

fn render_body(body: &[u8]) -> Vec<String> {
    if body.is_empty() {
        return Vec::new();
    }
    if body.len() > MAX_SHOWN_BODY {
        return vec![format!("({} bytes, not shown)", body.len())];
    }
    let text = String::from_utf8_lossy(body);
    if serde_json::from_str::<Value>(&text).is_ok() {
        return pretty_json(&text).lines().map(str::to_owned).collect();
    }
    if text.trim_start().starts_with('<') {
        return vec!["(an HTML page)".to_owned()];
    }
    text.lines().map(str::to_owned).collect()
}

/// Indents valid JSON two spaces a level, keeping the keys in the order the server sent
/// them (`{"id": 1, "username": ...}` reads better than sorted keys).
fn pretty_json(json: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().expect("peeked"));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn describe_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    let (n, unit) = match secs {
        s if s % 86_400 == 0 && s > 0 => (s / 86_400, "day"),
        s if s % 3600 == 0 && s > 0 => (s / 3600, "hour"),
        s if s % 60 == 0 && s > 0 => (s / 60, "minute"),
        s => (s, "second"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

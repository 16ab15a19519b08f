//! A story drawn: a Mermaid `sequenceDiagram` made from its transcript.
//!
//! The picture is made from the transcript (the committed snapshot), never drawn by hand,
//! so it cannot drift from what the story does. Each client and the server are
//! participants; each step is an arrow out (method and path) and an arrow back (status);
//! notes show a cookie sent, set or removed with the transcript's placeholders, and the
//! story's own remarks (`» …`). Steps whose title calls them a bug, a flaw or a known
//! limit are drawn on a red background.
//!
//! A long story is drawn in parts of at most [`MAX_ARROWS`] arrows, cut between steps, so
//! that each part still fits on a slide. With [`Diagram::with_database`] (lesson 06 on),
//! the database is a participant too, and each step shows what it asks of it.

/// About as many arrows as a slide holds.
pub const MAX_ARROWS: usize = 25;

/// How to draw one story.
#[derive(Clone, Copy, Debug, Default)]
pub struct Diagram {
    database: bool,
}

/// One step of the transcript, as the diagram needs it.
#[derive(Default)]
struct Step {
    title: String,
    client: String,
    request: String,
    status: String,
    cookie_sent: Option<String>,
    cookies_set: Vec<String>,
    /// Remarks and hand edits that come before the step's request.
    notes_before: Vec<(Option<String>, String)>,
}

impl Diagram {
    /// The database as a participant: each step that carries or hands out a session
    /// cookie shows the session row it reads or writes.
    pub fn with_database() -> Self {
        Self { database: true }
    }

    /// The Mermaid source of each part, in order.
    pub fn render(&self, transcript: &str) -> Vec<String> {
        let (steps, trailing) = parse(transcript);
        let mut clients: Vec<String> = Vec::new();
        for step in &steps {
            if !clients.contains(&step.client) {
                clients.push(step.client.clone());
            }
        }
        let mut parts = Vec::new();
        let mut body = String::new();
        let mut arrows = 0;
        for (index, step) in steps.iter().enumerate() {
            let lines = self.draw(step, &clients);
            let step_arrows = lines.iter().filter(|line| line.contains(">>")).count();
            if arrows > 0 && arrows + step_arrows > MAX_ARROWS {
                parts.push(std::mem::take(&mut body));
                arrows = 0;
            }
            arrows += step_arrows;
            for line in lines {
                body.push_str(&line);
                body.push('\n');
            }
            if index + 1 == steps.len() {
                for (who, note) in &trailing {
                    body.push_str(&note_line(who.as_deref(), &clients, note));
                    body.push('\n');
                }
            }
        }
        parts.push(body);
        let count = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(index, body)| {
                let mut out = String::from("sequenceDiagram\n");
                if count > 1 {
                    out.push_str(&format!("    %% part {} of {count}\n", index + 1));
                }
                for client in &clients {
                    out.push_str(&format!("    participant {}\n", participant(client)));
                }
                out.push_str("    participant Server\n");
                if self.database {
                    out.push_str("    participant Database\n");
                }
                out.push_str(&body);
                out
            })
            .collect()
    }

    fn draw(&self, step: &Step, clients: &[String]) -> Vec<String> {
        let client = id(&step.client);
        let mut lines = Vec::new();
        // A remark spans every participant: it is about the story, not one browser.
        for (who, note) in &step.notes_before {
            lines.push(note_line(who.as_deref(), clients, note));
        }
        let flawed = is_flawed(&step.title);
        if flawed {
            lines.push("    rect rgb(255, 225, 225)".to_owned());
        }
        lines.push(format!(
            "    Note over {client},Server: {}",
            escape(&step.title)
        ));
        lines.push(format!("    {client}->>Server: {}", escape(&step.request)));
        if let Some(cookie) = &step.cookie_sent {
            lines.push(format!("    Note left of Server: sent: {}", escape(cookie)));
        }
        if self.database {
            lines.extend(self.database_lines(step));
        }
        lines.push(format!("    Server-->>{client}: {}", escape(&step.status)));
        for cookie in &step.cookies_set {
            let note = if is_removal(cookie) {
                format!("removes {}", cookie_name(cookie))
            } else {
                format!("set: {}", cookie_pair(cookie))
            };
            lines.push(format!("    Note right of {client}: {}", escape(&note)));
        }
        if flawed {
            lines.push("    end".to_owned());
        }
        lines
    }

    /// What a step asks of the session table, read from what the transcript shows: a
    /// session token sent is a look-up; a new one set is a new row; a removal, or a
    /// `DELETE` of a session, ends one. A sealed cookie (`<sealed #n>`, lesson 07's first
    /// parts) asks nothing of it.
    fn database_lines(&self, step: &Step) -> Vec<String> {
        let mut lines = Vec::new();
        let sealed = |cookie: &str| cookie.contains("<sealed");
        if step.cookie_sent.as_deref().is_some_and(sealed)
            || step.cookies_set.iter().any(|cookie| sealed(cookie))
        {
            return lines;
        }
        let sends_session = step
            .cookie_sent
            .as_deref()
            .is_some_and(|cookie| cookie.contains("session="));
        if sends_session {
            lines.push("    Server->>Database: find the session by its token's hash".to_owned());
        }
        let sets = |removal: bool| {
            step.cookies_set
                .iter()
                .any(|cookie| cookie_name(cookie) == "session" && is_removal(cookie) == removal)
        };
        let deletes_a_session =
            step.request.starts_with("DELETE /api/sessions") && step.status.starts_with("204");
        if sets(true) || deletes_a_session {
            lines.push("    Server->>Database: delete the session row".to_owned());
        }
        if sets(false) {
            lines.push("    Server->>Database: insert a new session row".to_owned());
        }
        lines
    }
}

/// Reads the transcript into steps, and the notes after the last step.
fn parse(transcript: &str) -> (Vec<Step>, Vec<(Option<String>, String)>) {
    let mut steps: Vec<Step> = Vec::new();
    let mut pending: Vec<(Option<String>, String)> = Vec::new();
    let mut current: Option<Step> = None;
    let mut after_status = false;
    for line in transcript.lines() {
        if let Some(heading) = line.strip_prefix("── ") {
            steps.extend(current.take());
            // "3. Alice logs in": the number stays, so the drawing and the transcript
            // can be read side by side.
            let title = heading.trim_end_matches(['─', ' ']);
            current = Some(Step {
                title: title.to_owned(),
                notes_before: std::mem::take(&mut pending),
                ..Step::default()
            });
            after_status = false;
        } else if let Some(remark) = line.strip_prefix("» ") {
            steps.extend(current.take());
            pending.push((None, remark.to_owned()));
        } else if let Some(edit) = line.strip_prefix("✎ ") {
            steps.extend(current.take());
            let who = edit.split_once(' ').map(|(who, _)| who.to_owned());
            pending.push((who, edit.to_owned()));
        } else if let Some(step) = current.as_mut() {
            let trimmed = line.trim();
            if let Some((client, request)) = line.split_once(" ▶ ") {
                step.client = client.to_owned();
                step.request = request.to_owned();
            } else if let Some(status) = trimmed.strip_prefix("◀ ") {
                step.status = status.to_owned();
                after_status = true;
            } else if let Some(cookie) = trimmed.strip_prefix("cookie: ") {
                step.cookie_sent = Some(cookie.to_owned());
            } else if let Some(cookie) = trimmed.strip_prefix("set-cookie: ")
                && after_status
            {
                step.cookies_set.push(cookie.to_owned());
            }
        }
    }
    steps.extend(current);
    (steps, pending)
}

/// A remark over everyone the step involves, or a hand edit over the one who made it.
fn note_line(who: Option<&str>, clients: &[String], text: &str) -> String {
    let over = match who {
        Some(who) if clients.iter().any(|client| client == who) => id(who),
        _ => match clients.first() {
            Some(first) => format!("{},Server", id(first)),
            None => "Server".to_owned(),
        },
    };
    format!("    Note over {over}: {}", escape(&wrap(text, 60)))
}

fn is_flawed(title: &str) -> bool {
    let title = title.to_lowercase();
    ["bug", "flaw", "known limit"]
        .iter()
        .any(|word| title.contains(word))
}

fn is_removal(set_cookie: &str) -> bool {
    let pair = cookie_pair(set_cookie);
    pair.ends_with('=') || set_cookie.contains("Max-Age=0")
}

/// `session=<sealed #1>; HttpOnly; …` → `session=<sealed #1>`.
fn cookie_pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().unwrap_or_default().trim()
}

fn cookie_name(set_cookie: &str) -> &str {
    cookie_pair(set_cookie)
        .split('=')
        .next()
        .unwrap_or_default()
}

/// A participant's id: Mermaid ids have no spaces or quotes (`Alice's laptop` →
/// `Alices_laptop`).
fn id(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '_')
        .map(|c| if c == ' ' { '_' } else { c })
        .collect()
}

/// The declaration: the id, and the name as written when the two differ.
fn participant(name: &str) -> String {
    let id = id(name);
    if id == name {
        id
    } else {
        format!("{id} as {name}")
    }
}

/// Text for a message or a note: Mermaid reads `;` as the end of a statement, `#` as the
/// start of an entity and `<…>` as HTML, so those are written as entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c => out.push(c),
        }
    }
    // A line break the wrapping made survives the escaping.
    out.replace("#lt;br/#gt;", "<br/>")
}

/// Breaks long remarks into lines of about `width` characters for the note boxes.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("<br/>")
}

/// The README markers around a drawn story: the snapshot it is drawn from, and whether the
/// database is drawn, then one ```mermaid block per part, then the end marker.
pub const README_BEGIN: &str = "<!-- diagram of tests/snapshots/";
pub const README_END: &str = "<!-- end of diagram -->";

/// The README section for `snapshot_name` (`story`), as the story draws it now.
pub fn readme_section(snapshot_name: &str, database: bool, transcript: &str) -> String {
    let diagram = if database {
        Diagram::with_database()
    } else {
        Diagram::default()
    };
    let with = if database { ", with the database" } else { "" };
    let mut out = format!(
        "{README_BEGIN}{snapshot_name}.snap{with}: made by its story; `UPDATE_DIAGRAMS=1 cargo test -p common --test readme_diagrams` redraws it -->\n"
    );
    for part in diagram.render(transcript) {
        out.push_str("```mermaid\n");
        out.push_str(&part);
        out.push_str("```\n");
    }
    out.push_str(README_END);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSCRIPT: &str = "\
» Alice has an account.
── 1. Alice logs in ──────────
Alice ▶ POST /api/login
        content-type: application/json
      ◀ 200 OK
        set-cookie: session=<sealed #1>; HttpOnly; Path=/
── 2. Known limit: the copy still works ──────────
Alice's laptop ▶ GET /api/me
        cookie: session=<sealed #1>
      ◀ 200 OK
── 3. Alice logs out ──────────
Alice ▶ DELETE /api/logout
        cookie: session=<sealed #1>
      ◀ 204 No Content
        set-cookie: session=; Path=/; Max-Age=0
";

    #[test]
    fn a_story_becomes_arrows_and_cookie_notes() {
        let parts = Diagram::default().render(TRANSCRIPT);
        assert_eq!(parts.len(), 1);
        let diagram = &parts[0];
        assert!(diagram.starts_with("sequenceDiagram\n    participant Alice\n"));
        assert!(diagram.contains("participant Alices_laptop as Alice's laptop\n"));
        assert!(diagram.contains("    Alice->>Server: POST /api/login\n"));
        assert!(diagram.contains("    Server-->>Alice: 200 OK\n"));
        assert!(diagram.contains("Note right of Alice: set: session=#lt;sealed #35;1#gt;\n"));
        assert!(diagram.contains("Note left of Server: sent: session=#lt;sealed #35;1#gt;\n"));
        assert!(diagram.contains("Note right of Alice: removes session\n"));
        assert!(diagram.contains("Note over Alice,Server: Alice has an account.\n"));
        // The known limit stands out; the other steps do not.
        assert_eq!(diagram.matches("rect rgb").count(), 1);
        assert!(!diagram.contains("Database"));
    }

    #[test]
    fn the_database_shows_what_each_step_asks_of_it() {
        let tokens = TRANSCRIPT.replace("<sealed", "<token");
        let diagram = &Diagram::with_database().render(&tokens)[0];
        assert!(diagram.contains("participant Database"));
        assert_eq!(diagram.matches("insert a new session row").count(), 1);
        assert_eq!(diagram.matches("find the session").count(), 2);
        assert_eq!(diagram.matches("delete the session row").count(), 1);
        // A sealed cookie is the whole session: nothing to look up or insert.
        let sealed = &Diagram::with_database().render(TRANSCRIPT)[0];
        assert!(!sealed.contains("Server->>Database"), "{sealed}");
    }

    #[test]
    fn a_long_story_is_cut_into_parts_between_steps() {
        let step = "── 1. Alice asks ──\nAlice ▶ GET /api/me\n      ◀ 401 Unauthorized\n";
        let parts = Diagram::default().render(&step.repeat(30));
        assert_eq!(
            parts.len(),
            3,
            "30 steps of 2 arrows, 25 arrows at most a part"
        );
        for part in &parts {
            assert!(part.matches(">>").count() <= MAX_ARROWS);
            assert!(part.contains("participant Server"));
        }
        assert!(parts[0].contains("%% part 1 of 3"));
    }
}

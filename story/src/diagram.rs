//! A story drawn: Mermaid `sequenceDiagram`s made from its transcript, one a slide.
//!
//! The picture is made from the transcript (the committed snapshot), never drawn by hand,
//! so it cannot drift from what the story does. Each client and the server are
//! participants; each step is an arrow out (method and path) and an arrow back (status);
//! notes show a cookie sent, set or removed with the transcript's placeholders, and the
//! story's own remarks (`» …`). Steps whose title calls them a bug, a flaw or a known
//! limit are drawn on a red background.
//!
//! A story is drawn in parts, each one slide: at most [`MAX_ARROWS`] arrows, and no line
//! longer than [`MAX_LINE`] characters (a long remark keeps its first sentence, or as much
//! of it as fits; the transcript has it whole). Parts are cut between steps where the
//! story makes a remark (`» …`), which is where it turns to something new; as few parts
//! as that allows; and among those, before the longest remarks. With [`Diagram::with_database`] (lesson 06 on), the database is a participant
//! too, and a note on each step says what it asks of it.

/// About as many arrows as a slide holds.
pub const MAX_ARROWS: usize = 12;

/// The longest line of a drawing: a note longer than this is shortened.
pub const MAX_LINE: usize = 100;

/// A note across two participants is as wide as the space between them, and its text
/// does not widen it: it is broken into lines of about this many characters. A client and
/// the server have the clients between them, or a wide gap of their own.
const NOTE_WIDTH: usize = 46;

/// The same between the server and the database, which are next to each other.
const DATABASE_NOTE_WIDTH: usize = 28;

/// How to draw one story.
#[derive(Clone, Copy, Debug, Default)]
pub struct Diagram {
    database: bool,
}

/// One step of the transcript, as the diagram needs it.
#[derive(Default)]
struct Step {
    /// "3. Alice logs in": the number stays, so that the drawing and the transcript can be
    /// read side by side.
    title: String,
    client: String,
    request: String,
    status: String,
    cookie_sent: Option<String>,
    cookies_set: Vec<String>,
    /// Remarks (no one) and hand edits (by someone) that come before the step's request.
    notes_before: Vec<Note>,
}

/// A line of the transcript between steps: a remark (`» …`, `who` is `None`) or a hand
/// edit (`✎ Alice restores…`, by `who`).
struct Note {
    who: Option<String>,
    text: String,
}

impl Diagram {
    /// The database as a participant: each step that carries or hands out a session
    /// cookie shows, in one note, the session rows it reads or writes.
    pub fn with_database() -> Self {
        Self { database: true }
    }

    /// The Mermaid source of each part, in order.
    pub fn render(&self, transcript: &str) -> Vec<String> {
        let (steps, trailing) = parse(transcript);
        let everyone = clients(&steps, &[], &[]);
        // Every step is drawn with the same arrows whoever else is on its slide.
        let arrows: Vec<usize> = steps
            .iter()
            .map(|step| count_arrows(&self.draw(step, &everyone)))
            .collect();
        let parts = cut(&steps, &arrows);
        let count = parts.len();
        parts
            .into_iter()
            .enumerate()
            .map(|(index, range)| {
                let last = range.end == steps.len();
                let part = &steps[range];
                let trailing: &[Note] = if last { &trailing } else { &[] };
                let mut body = String::new();
                let clients = clients(part, trailing, &everyone);
                for step in part {
                    for line in self.draw(step, &clients) {
                        body.push_str(&line);
                        body.push('\n');
                    }
                }
                for note in trailing {
                    body.push_str(&note_line(note, &clients));
                    body.push('\n');
                }
                let mut out = String::from("sequenceDiagram\n");
                if count > 1 {
                    let first = number(&part[0].title);
                    let last = number(&part[part.len() - 1].title);
                    out.push_str(&format!(
                        "    %% part {} of {count}: steps {first} to {last}\n",
                        index + 1
                    ));
                }
                for client in &clients {
                    out.push_str(&format!("    participant {}\n", participant(client)));
                }
                out.push_str("    participant Server\n");
                if body.contains("Database") {
                    out.push_str("    participant Database\n");
                }
                out.push_str(&body);
                out
            })
            .collect()
    }

    /// One step's lines, its remarks and hand edits first. `clients`: the participants of
    /// its part, for the notes that span them.
    fn draw(&self, step: &Step, clients: &[String]) -> Vec<String> {
        let client = id(&step.client);
        let mut lines = Vec::new();
        for note in &step.notes_before {
            lines.push(note_line(note, clients));
        }
        let flawed = is_flawed(&step.title);
        if flawed {
            lines.push("    rect rgb(255, 225, 225)".to_owned());
        }
        let across = Some(NOTE_WIDTH);
        lines.push(fit(
            &format!("    Note over {client},Server: "),
            &step.title,
            across,
        ));
        lines.push(fit(
            &format!("    {client}->>Server: "),
            &step.request,
            None,
        ));
        if let Some(cookie) = &step.cookie_sent {
            let sent = format!("sent: {cookie}");
            lines.push(fit("    Note left of Server: ", &sent, None));
        }
        if self.database
            && let Some(note) = database_note(step)
        {
            let start = "    Note over Server,Database: ";
            lines.push(fit(start, &note, Some(DATABASE_NOTE_WIDTH)));
        }
        lines.push(fit(
            &format!("    Server-->>{client}: "),
            &step.status,
            None,
        ));
        for cookie in &step.cookies_set {
            let note = if is_removal(cookie) {
                format!("removes {}", cookie_name(cookie))
            } else {
                format!("set: {}", cookie_pair(cookie))
            };
            lines.push(fit(&format!("    Note right of {client}: "), &note, None));
        }
        if flawed {
            lines.push("    end".to_owned());
        }
        lines
    }
}

/// What a step asks of the session table, in one note, read from what the transcript
/// shows: a session token sent is a look-up; a new one set is a new row; a `DELETE` that
/// succeeds (a logout, a session ended from another device) ends one. A removal cookie
/// alone does not: the server also clears a cookie it found no session for. A sealed
/// cookie (`<sealed #n>`, lesson 07's first parts) asks nothing of it, and neither does a
/// request refused before any handler runs: a cross-site one (403), a method the route
/// does not take (405), a body that is not JSON (415) or too big (413), or a throttled
/// login (429).
fn database_note(step: &Step) -> Option<String> {
    let sealed = |cookie: &str| cookie.contains("<sealed");
    if step.cookie_sent.as_deref().is_some_and(sealed)
        || step.cookies_set.iter().any(|cookie| sealed(cookie))
    {
        return None;
    }
    let refused_before_any_handler = ["403", "405", "413", "415", "429"]
        .iter()
        .any(|status| step.status.starts_with(status));
    if refused_before_any_handler {
        return None;
    }
    let mut asks = Vec::new();
    let sends_session = step
        .cookie_sent
        .as_deref()
        .is_some_and(|cookie| cookie.contains("session="));
    if sends_session {
        asks.push("find session by token hash");
    }
    if step.request.starts_with("DELETE ") && step.status.starts_with('2') {
        asks.push("delete a session row");
    }
    let sets_a_session = step
        .cookies_set
        .iter()
        .any(|cookie| cookie_name(cookie) == "session" && !is_removal(cookie));
    if sets_a_session {
        asks.push("insert a session row");
    }
    (!asks.is_empty()).then(|| asks.join(", then "))
}

/// Where the parts start and end, each holding at most [`MAX_ARROWS`] arrows (a step alone
/// may have more). The fewest cuts before a step without a remark, then the fewest parts,
/// then the cuts before the longest remarks. `arrows[i]`: step `i`'s arrows.
fn cut(steps: &[Step], arrows: &[usize]) -> Vec<std::ops::Range<usize>> {
    if steps.is_empty() {
        // One part all the same, for the remarks alone.
        return std::iter::once(0..0).collect();
    }
    // How much a cut before step `i` is worth: the remarks the story makes there.
    let worth = |i: usize| -> usize {
        steps[i]
            .notes_before
            .iter()
            .filter(|note| note.who.is_none())
            .map(|note| note.text.chars().count())
            .sum()
    };
    // best[j]: the best way to draw steps 0..j, and where its last part starts. Compared as
    // (cuts without a remark, parts, Reverse(worth of the cuts)): smaller is better.
    type Cost = (usize, usize, std::cmp::Reverse<usize>);
    let mut best: Vec<Option<(Cost, usize)>> = vec![None; steps.len() + 1];
    best[0] = Some(((0, 0, std::cmp::Reverse(0)), 0));
    for end in 1..=steps.len() {
        let mut in_part = 0;
        for start in (0..end).rev() {
            in_part += arrows[start];
            if in_part > MAX_ARROWS && start + 1 < end {
                break;
            }
            let Some(((bare, parts, std::cmp::Reverse(total)), _)) = best[start] else {
                continue;
            };
            let gained = if start == 0 { 0 } else { worth(start) };
            let bare = bare + usize::from(start > 0 && gained == 0);
            let cost = (bare, parts + 1, std::cmp::Reverse(total + gained));
            if best[end].is_none_or(|(best_cost, _)| cost < best_cost) {
                best[end] = Some((cost, start));
            }
        }
    }
    let mut ranges = Vec::new();
    let mut end = steps.len();
    while end > 0 {
        let (_, start) = best[end].expect("every prefix can be drawn");
        ranges.push(start..end);
        end = start;
    }
    ranges.reverse();
    ranges
}

/// The clients of `steps` and of `trailing` notes: a part's participants. In the order of
/// `everyone`, so that each one keeps its place from slide to slide; then in the order
/// they first appear.
fn clients(steps: &[Step], trailing: &[Note], everyone: &[String]) -> Vec<String> {
    let mut clients: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !clients.iter().any(|client| client == name) {
            clients.push(name.to_owned());
        }
    };
    for step in steps {
        for who in step
            .notes_before
            .iter()
            .filter_map(|note| note.who.as_deref())
        {
            if steps.iter().any(|step| step.client == who) {
                add(who);
            }
        }
        add(&step.client);
    }
    for who in trailing.iter().filter_map(|note| note.who.as_deref()) {
        if steps.iter().any(|step| step.client == who) {
            add(who);
        }
    }
    let place = |name: &String| everyone.iter().position(|client| client == name);
    clients.sort_by_key(|name| place(name).unwrap_or(usize::MAX));
    clients
}

fn count_arrows(lines: &[String]) -> usize {
    lines.iter().filter(|line| line.contains(">>")).count()
}

/// "3" from "3. Alice logs in".
fn number(title: &str) -> &str {
    title.split_once(". ").map_or("?", |(number, _)| number)
}

/// Reads the transcript into steps, and the notes after the last step.
fn parse(transcript: &str) -> (Vec<Step>, Vec<Note>) {
    let mut steps: Vec<Step> = Vec::new();
    let mut pending: Vec<Note> = Vec::new();
    let mut current: Option<Step> = None;
    let mut after_status = false;
    for line in transcript.lines() {
        if let Some(heading) = line.strip_prefix("── ") {
            steps.extend(current.take());
            let title = heading.trim_end_matches(['─', ' ']);
            current = Some(Step {
                title: title.to_owned(),
                notes_before: std::mem::take(&mut pending),
                ..Step::default()
            });
            after_status = false;
        } else if let Some(remark) = line.strip_prefix("» ") {
            steps.extend(current.take());
            pending.push(Note {
                who: None,
                text: remark.to_owned(),
            });
        } else if let Some(edit) = line.strip_prefix("✎ ") {
            steps.extend(current.take());
            let who = edit.split_once(' ').map(|(who, _)| who.to_owned());
            pending.push(Note {
                who,
                text: edit.to_owned(),
            });
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

/// A remark over every participant of the part, or a hand edit over the one who made it.
fn note_line(note: &Note, clients: &[String]) -> String {
    let over = match &note.who {
        Some(who) if clients.iter().any(|client| client == who) => id(who),
        _ => match clients.first() {
            Some(first) => format!("{},Server", id(first)),
            None => "Server".to_owned(),
        },
    };
    let width = over.contains(',').then_some(NOTE_WIDTH);
    fit(&format!("    Note over {over}: "), &note.text, width)
}

/// `start` and `text` as one line of at most [`MAX_LINE`] characters: `text` escaped,
/// broken into lines of `width` characters if given (a note across two participants),
/// and shortened if it must be.
fn fit(start: &str, text: &str, width: Option<usize>) -> String {
    let line = |text: &str| {
        let text = escape(text);
        let text = match width {
            Some(width) => wrap(&text, width),
            None => text,
        };
        format!("{start}{text}")
    };
    // Escapes and line breaks make the text longer than it reads: shorten it until the
    // line fits.
    let mut room = text.chars().count();
    loop {
        let fitted = line(&shorten(text, room));
        if fitted.chars().count() <= MAX_LINE || room == 0 {
            return fitted;
        }
        room -= 1;
    }
}

/// Breaks `text` into lines of about `width` characters, between words, for a note box.
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

/// At most `room` characters of `text`: its first sentences if they fit and say enough (a
/// third of the room), else as many words as fit (up to a comma or colon if one comes in
/// the last quarter), and `…`.
fn shorten(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut kept = String::new();
    for word in text.split_whitespace() {
        let longer = if kept.is_empty() {
            word.chars().count()
        } else {
            kept.chars().count() + 1 + word.chars().count()
        };
        // Room for the `…` too.
        if longer + 1 > room {
            break;
        }
        if !kept.is_empty() {
            kept.push(' ');
        }
        kept.push_str(word);
    }
    if let Some(end) = kept.rfind(['.', '!', '?'])
        && kept[..end].chars().count() >= room / 3
    {
        return kept[..=end].to_owned();
    }
    let kept = match kept.rfind([',', ':', ';']) {
        Some(pause) if kept[..pause].chars().count() >= room * 3 / 4 => &kept[..pause],
        _ => kept.trim_end_matches([',', ':', ';', ' ']),
    };
    format!("{kept}…")
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
    out
}

/// The README markers around a drawn story: the snapshot it is drawn from, and whether the
/// database is drawn, then one ```mermaid block per part, then the end marker.
pub const README_BEGIN: &str = "<!-- diagram of tests/snapshots/";
pub const README_END: &str = "<!-- end of diagram -->";

/// The command that redraws every README's diagrams from the stories' snapshots.
pub const README_UPDATE: &str = "UPDATE_README_DIAGRAMS=1 cargo test -p story readme_diagrams";

/// The README section for `snapshot_name` (`story`), as the story draws it now.
pub fn readme_section(snapshot_name: &str, database: bool, transcript: &str) -> String {
    let diagram = if database {
        Diagram::with_database()
    } else {
        Diagram::default()
    };
    let with = if database { ", with the database" } else { "" };
    let mut out = format!(
        "{README_BEGIN}{snapshot_name}.snap{with}: made by its story; `{README_UPDATE}` redraws it -->\n"
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
    fn the_database_is_one_note_a_step() {
        let tokens = TRANSCRIPT.replace("<sealed", "<token");
        let diagram = &Diagram::with_database().render(&tokens)[0];
        assert!(diagram.contains("participant Database"));
        assert_eq!(
            count_arrows(&diagram.lines().map(str::to_owned).collect::<Vec<_>>()),
            6,
            "two arrows a step, none to the database: {diagram}"
        );
        assert!(diagram.contains("Note over Server,Database: insert a session row\n"));
        assert!(diagram.contains(
            "Note over Server,Database: find session by token hash,<br/>then delete a session row\n"
        ));
        assert_eq!(diagram.matches("find session by token hash").count(), 2);
        // Only a DELETE that succeeds ends a session; a cookie cleared alone does not.
        let unknown = tokens.replace("DELETE /api/logout", "GET /api/me");
        let diagram = &Diagram::with_database().render(&unknown)[0];
        assert!(!diagram.contains("delete a session row"), "{diagram}");
        // A sealed cookie is the whole session: nothing to look up or insert, and no
        // database on the slide.
        let sealed = &Diagram::with_database().render(TRANSCRIPT)[0];
        assert!(!sealed.contains("Database"), "{sealed}");
    }

    #[test]
    fn a_long_story_is_cut_into_parts_that_fit_a_slide() {
        let transcript: String = (1..=30)
            .map(|n| {
                format!("── {n}. Alice asks ──\nAlice ▶ GET /api/me\n      ◀ 401 Unauthorized\n")
            })
            .collect();
        let parts = Diagram::default().render(&transcript);
        assert_eq!(
            parts.len(),
            5,
            "30 steps of 2 arrows, 12 arrows at most a part"
        );
        for part in &parts {
            assert!(part.matches(">>").count() <= MAX_ARROWS);
            assert!(part.contains("participant Server"));
        }
        assert!(parts[0].contains("%% part 1 of 5: steps 1 to 6\n"));
        assert!(parts[4].contains("%% part 5 of 5: steps 25 to 30\n"));
    }

    #[test]
    fn parts_are_cut_where_the_story_turns() {
        // Eight steps: two parts. The long remark before step 6 is where the story turns,
        // not the short one before step 3.
        let mut transcript = String::new();
        for number in 1..=8 {
            match number {
                3 => transcript.push_str("» Again.\n"),
                6 => transcript.push_str("» Part two: the server restarts, with a new secret.\n"),
                _ => {}
            }
            transcript.push_str(&format!(
                "── {number}. Alice asks ──\nAlice ▶ GET /api/me\n      ◀ 200 OK\n"
            ));
        }
        let parts = Diagram::default().render(&transcript);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].contains("steps 1 to 5"), "{}", parts[0]);
        assert!(parts[1].contains("steps 6 to 8"), "{}", parts[1]);
        assert!(parts[1].contains("Note over Alice,Server: Part two"));
    }

    #[test]
    fn a_long_remark_keeps_what_fits_on_one_line() {
        let remark = "THE KNOWN LIMIT of sessions kept in the cookie: the server keeps no list \
                      of sessions, so it has nothing to cross out at logout. The copy is still \
                      sealed with the server's key; it is a valid session.";
        let line = fit("    Note over Alice,Server: ", remark, Some(NOTE_WIDTH));
        assert!(line.chars().count() <= MAX_LINE, "{line}");
        assert!(line.ends_with('…'), "{line}");
        // Broken into lines as wide as the note, between words.
        assert!(
            line.starts_with(
                "    Note over Alice,Server: THE KNOWN LIMIT of sessions kept in the<br/>cookie"
            ),
            "{line}"
        );
        // A first sentence that says enough is kept whole, without the rest.
        let two = "Alice saves a copy of her cookie, and keeps it. Anyone who ever saw it \
                   could have one too: a shared computer, an extension.";
        assert_eq!(
            fit("    Note over Alice,Server: ", two, Some(NOTE_WIDTH)),
            "    Note over Alice,Server: Alice saves a copy of her cookie, and keeps<br/>it."
        );
        // A note over one participant grows with its text: no line breaks.
        assert!(!fit("    Note over Alice: ", two, None).contains("<br/>"));
        // Escapes count: a `;` is five characters on the line.
        let semicolons = "a;".repeat(60);
        let line = fit("    Note over A,Server: ", &semicolons, Some(NOTE_WIDTH));
        assert!(line.chars().count() <= MAX_LINE, "{line}");
    }
}

//! A unified diff of two texts, line by line, for `cargo course solution`: the student's
//! answer against the reference. The files are a few hundred lines at most, so a plain
//! longest-common-subsequence table does (after the common start and end are set aside).

use crate::style::Style;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;
/// Beyond this many cells the table costs more than it is worth: the middle is shown as
/// all removed, then all added.
const MAX_CELLS: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edit {
    Same,
    Removed,
    Added,
}

/// `None` when the texts have the same lines; else the hunks, `diff -u` style, under a
/// `--- old_name` / `+++ new_name` header.
pub fn unified(
    old: &str,
    new: &str,
    old_name: &str,
    new_name: &str,
    style: Style,
) -> Option<String> {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let edits = edits(&old, &new);
    if edits.iter().all(|(edit, _, _)| *edit == Edit::Same) {
        return None;
    }
    let mut text = format!(
        "{}\n{}\n",
        style.red(&format!("--- {old_name}")),
        style.green(&format!("+++ {new_name}"))
    );
    // Each change with its context; hunks whose context would touch are one hunk.
    let changed: Vec<usize> = (0..edits.len())
        .filter(|&at| edits[at].0 != Edit::Same)
        .collect();
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &at in &changed {
        let start = at.saturating_sub(CONTEXT);
        let end = (at + CONTEXT + 1).min(edits.len());
        match hunks.last_mut() {
            Some(last) if start <= last.1 => last.1 = end,
            _ => hunks.push((start, end)),
        }
    }
    for (start, end) in hunks {
        let hunk = &edits[start..end];
        let count = |kind: Edit| {
            hunk.iter()
                .filter(|(edit, _, _)| *edit == Edit::Same || *edit == kind)
                .count()
        };
        let (old_count, new_count) = (count(Edit::Removed), count(Edit::Added));
        // A side with no line in the hunk is numbered by the line before it, as `diff -u`.
        let old_start = hunk[0].1 + usize::from(old_count > 0);
        let new_start = hunk[0].2 + usize::from(new_count > 0);
        text.push_str(&style.cyan(&format!(
            "@@ -{old_start},{old_count} +{new_start},{new_count} @@"
        )));
        text.push('\n');
        for &(edit, old_at, new_at) in hunk {
            let line = match edit {
                Edit::Same => format!(" {}", old[old_at]),
                Edit::Removed => style.red(&format!("-{}", old[old_at])),
                Edit::Added => style.green(&format!("+{}", new[new_at])),
            };
            text.push_str(&line);
            text.push('\n');
        }
    }
    Some(text)
}

/// The edits that turn `old` into `new`, each with the line number (from 0) it is at in
/// `old` and in `new` (for an added line, the old number is where it goes, and so on).
fn edits(old: &[&str], new: &[&str]) -> Vec<(Edit, usize, usize)> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_middle, new_middle) = (
        &old[prefix..old.len() - suffix],
        &new[prefix..new.len() - suffix],
    );
    let mut edits: Vec<(Edit, usize, usize)> = (0..prefix).map(|at| (Edit::Same, at, at)).collect();
    let (rows, columns) = (old_middle.len(), new_middle.len());
    let middle: Vec<Edit> = if rows * columns > MAX_CELLS {
        [vec![Edit::Removed; rows], vec![Edit::Added; columns]].concat()
    } else {
        // longest[i][j]: the longest common subsequence of old_middle[i..] and new_middle[j..].
        let mut longest = vec![vec![0u32; columns + 1]; rows + 1];
        for i in (0..rows).rev() {
            for j in (0..columns).rev() {
                longest[i][j] = if old_middle[i] == new_middle[j] {
                    longest[i + 1][j + 1] + 1
                } else {
                    longest[i + 1][j].max(longest[i][j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        let mut middle = Vec::new();
        while i < rows || j < columns {
            // Removed lines before added ones, as `diff` shows them.
            if i < rows && j < columns && old_middle[i] == new_middle[j] {
                middle.push(Edit::Same);
                (i, j) = (i + 1, j + 1);
            } else if i < rows && (j == columns || longest[i + 1][j] >= longest[i][j + 1]) {
                middle.push(Edit::Removed);
                i += 1;
            } else {
                middle.push(Edit::Added);
                j += 1;
            }
        }
        middle
    };
    let (mut old_at, mut new_at) = (prefix, prefix);
    for edit in middle
        .into_iter()
        .chain(std::iter::repeat_n(Edit::Same, suffix))
    {
        edits.push((edit, old_at, new_at));
        match edit {
            Edit::Same => (old_at, new_at) = (old_at + 1, new_at + 1),
            Edit::Removed => old_at += 1,
            Edit::Added => new_at += 1,
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_has_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb", "x", "y", Style::plain()), None);
    }

    #[test]
    fn changes_with_their_context_as_diff_does() {
        let old = "1\n2\n3\n4\nmine\n6\n7\n8\n9\n10\n11\n12\n13\n14\nend\n";
        let new = "1\n2\n3\n4\ntheirs\nmore\n6\n7\n8\n9\n10\n11\n12\n13\n14\n";
        assert_eq!(
            unified(old, new, "yours", "reference", Style::plain()).unwrap(),
            "--- yours\n+++ reference\n\
             @@ -2,7 +2,8 @@\n 2\n 3\n 4\n-mine\n+theirs\n+more\n 6\n 7\n 8\n\
             @@ -12,4 +13,3 @@\n 12\n 13\n 14\n-end\n"
        );
    }

    #[test]
    fn an_added_line_at_the_start_and_an_empty_side() {
        assert_eq!(
            unified("b\n", "a\nb\n", "o", "n", Style::plain()).unwrap(),
            "--- o\n+++ n\n@@ -1,1 +1,2 @@\n+a\n b\n"
        );
        assert_eq!(
            unified("", "a\n", "o", "n", Style::plain()).unwrap(),
            "--- o\n+++ n\n@@ -0,0 +1,1 @@\n+a\n"
        );
    }
}

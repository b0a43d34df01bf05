//! Where a relative link written in a file of `content/` leads: the path inside
//! `content/` it names ([`content_path`]), and whether a link is relative at all
//! ([`is_relative`]).

/// The path relative to `content/` that a relative link `dest` written in a file of
/// folder `dir` names (query and fragment dropped, `%`-escapes decoded); `None` when
/// it climbs out of `content/`.
pub fn content_path(dir: &str, dest: &str) -> Option<String> {
    let path = dest.find(['#', '?']).map_or(dest, |i| &dest[..i]);
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut parts: Vec<&str> = if dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Whether `dest` is a relative link (no scheme, not site-absolute, not a fragment).
pub fn is_relative(dest: &str) -> bool {
    !dest.is_empty()
        && !dest.starts_with(['/', '#', '?', '@'])
        && !dest.split(['/', '#', '?']).next().unwrap_or("").contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_paths_resolve_against_the_page_folder() {
        assert_eq!(content_path("cities", "harbin.jpg").as_deref(), Some("cities/harbin.jpg"));
        assert_eq!(content_path("cities", "./a/b.jpg?x#y").as_deref(), Some("cities/a/b.jpg"));
        assert_eq!(content_path("a/b", "../c%20d.png").as_deref(), Some("a/c d.png"));
        assert_eq!(content_path("", "x.jpg").as_deref(), Some("x.jpg"));
        assert_eq!(content_path("a", "../../x.jpg"), None);
        assert!(is_relative("x.jpg"));
        assert!(!is_relative("/x.jpg"));
        assert!(!is_relative("https://a/x.jpg"));
        assert!(!is_relative("@/a.md"));
        assert!(!is_relative("#top"));
    }
}

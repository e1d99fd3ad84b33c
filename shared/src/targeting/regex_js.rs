//! regex-lite syntax → the source of a JavaScript `RegExp` (flag `u`) that matches the same
//! strings. The widget's build (feature `browser`) lets the browser run saved patterns instead
//! of linking regex-lite; the edge, which validates every pattern when it is saved, keeps
//! regex-lite. Only *whether* a pattern matches is preserved (captures and greediness are not
//! needed for that).
//!
//! Everything whose meaning differs between the two engines is spelled out rather than passed
//! through: literals and classes become explicit code point sets (so `(?i)` is regex-lite's
//! ASCII-only case folding, not the browser's Unicode one), `.` `\s` `^` `$` `\A` `\z` and the
//! word boundaries become sets and lookarounds with regex-lite's definitions, and the flags
//! `i m s R x U` are applied here, scope by scope, instead of as JavaScript flags.
//!
//! `None` means "do not run this pattern": the pattern is not valid regex-lite syntax (the edge
//! refuses those when saving), or it repeats a repetition: a group that holds a variable
//! repetition (`*`, `+`, `?`, `{n,m}`) repeated more than once (`(a+)+`, `(\w*)*`,
//! `(a?){30}`), or a repetition repeated directly (`a{2}*`, `\w{1000}{1000}`). JavaScript's
//! engine backtracks, and nested repetition is the usual way to make it take exponential time
//! (regex-lite runs it in linear time). Fixed counts stay allowed (`(\d{3}-){2}`), and so does
//! making a repeating group optional (`(/.*)?`). The browser refuses such a pattern, so the
//! item using it is refused in the browser (documented in ARCHITECTURE.md).

/// Inclusive code point ranges.
type Set = Vec<(u32, u32)>;

const MAX: u32 = 0x10_FFFF;
const SPACE: &[(u8, u8)] = &[(b'\t', b'\r'), (b' ', b' ')];
const DIGIT: &[(u8, u8)] = &[(b'0', b'9')];
const WORD: &[(u8, u8)] = &[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')];

fn posix(name: &str) -> Option<&'static [(u8, u8)]> {
    Some(match name {
        "alnum" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')],
        "alpha" => &[(b'A', b'Z'), (b'a', b'z')],
        "ascii" => &[(0, 0x7F)],
        "blank" => &[(b'\t', b'\t'), (b' ', b' ')],
        "cntrl" => &[(0, 0x1F), (0x7F, 0x7F)],
        "digit" => DIGIT,
        "graph" => &[(b'!', b'~')],
        "lower" => &[(b'a', b'z')],
        "print" => &[(b' ', b'~')],
        "punct" => &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')],
        "space" => SPACE,
        "upper" => &[(b'A', b'Z')],
        "word" => WORD,
        "xdigit" => &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')],
        _ => return None,
    })
}

fn set(r: &[(u8, u8)]) -> Set {
    r.iter().map(|&(a, b)| (a as u32, b as u32)).collect()
}

fn negate(mut s: Set) -> Set {
    // Stable or not, equal ranges are identical: the same order as `sort_unstable`, without
    // shipping the pattern-defeating quicksort to the widget.
    super::host::stable_sort_by(&mut s, |a, b| a.cmp(b));
    let mut out = Vec::new();
    let mut next = 0;
    for (lo, hi) in s {
        if lo > next {
            out.push((next, lo - 1));
        }
        next = next.max(hi + 1);
    }
    if next <= MAX {
        out.push((next, MAX));
    }
    out
}

/// regex-lite's ASCII case folding: each range gains its a-z part upper-cased or, failing
/// that, its A-Z part lower-cased.
fn fold(s: &mut Set) {
    for i in 0..s.len() {
        let (lo, hi) = s[i];
        for (a, z, shift) in [(0x61, 0x7A, -32i32), (0x41, 0x5A, 32)] {
            if lo <= z && hi >= a {
                let (l, h) = (lo.max(a), hi.min(z));
                s.push(((l as i32 + shift) as u32, (h as i32 + shift) as u32));
                break;
            }
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Flags {
    i: bool,
    m: bool,
    s: bool,
    r: bool,
    x: bool,
}

/// What one escape or literal denotes.
enum Atom {
    Char(u32),
    Set(Set),
    /// An assertion, already in JavaScript syntax.
    Look(&'static str),
}

struct Tr {
    c: Vec<char>,
    at: usize,
    out: String,
    f: Flags,
    /// Per open group: flags to restore, where it starts in `out`, whether it holds a variable
    /// repetition.
    groups: Vec<(Flags, usize, bool)>,
    /// The last atom: where it starts in `out`, whether it is itself repeated, whether it is or
    /// holds a variable repetition.
    last: Option<(usize, bool, bool)>,
}

/// What the edge sends the widget (`/v1/eligible`'s triggers; the browser build of the cases):
/// beside each pattern the engine compiles — a `page_visit` trigger's `regex` / `not_regex`
/// URL, a `matches` filter or condition — its JavaScript source under `js` ([`to_js`]), or no
/// `js` when the browser must refuse it. The widget's build compiles `js` and never links the
/// translation; native builds read the pattern itself and ignore `js`.
pub fn with_js(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Array(list) => list.iter_mut().for_each(with_js),
        Value::Object(o) => {
            let s = |k: &str| o.get(k).and_then(Value::as_str);
            let url_regex = s("type") == Some("page_visit")
                && matches!(
                    s("match").or_else(|| s("pageUrlMatch")),
                    Some("regex" | "not_regex")
                );
            let pattern = if url_regex {
                o.get("value").or_else(|| o.get("pageUrl"))
            } else if s("operator").and_then(super::rule::Op::parse)
                == Some(super::rule::Op::Matches)
            {
                o.get("value")
            } else {
                None
            };
            match pattern.and_then(Value::as_str).and_then(to_js) {
                Some(js) => o.insert("js".into(), js.into()),
                None => o.remove("js"),
            };
            o.values_mut().for_each(with_js);
        }
        _ => {}
    }
}

/// The JavaScript source (to compile with flag `u`) matching what `pattern` matches under
/// regex-lite, or `None` (see the module docs).
pub fn to_js(pattern: &str) -> Option<String> {
    let mut t = Tr {
        c: pattern.chars().collect(),
        at: 0,
        out: String::new(),
        f: Flags::default(),
        groups: Vec::new(),
        last: None,
    };
    t.run()?;
    t.groups.is_empty().then_some(t.out)
}

impl Tr {
    fn peek(&self) -> Option<char> {
        self.c.get(self.at).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }
    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        let ok = self.c.len() >= self.at + n
            && s.chars().eq(self.c[self.at..self.at + n].iter().copied());
        if ok {
            self.at += n;
        }
        ok
    }
    /// Where the pattern goes on from `at`, past whitespace and `#` comments in verbose mode.
    fn space_from(&self, mut at: usize) -> usize {
        if !self.f.x {
            return at;
        }
        loop {
            match self.c.get(at) {
                Some(c) if c.is_whitespace() => at += 1,
                Some('#') => {
                    while let Some(c) = self.c.get(at) {
                        at += 1;
                        if *c == '\n' {
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        at
    }
    fn space(&mut self) {
        self.at = self.space_from(self.at);
    }
    /// The character after the current one, past verbose-mode whitespace.
    fn peek_after(&self) -> Option<char> {
        self.c.get(self.space_from(self.at + 1)).copied()
    }

    fn run(&mut self) -> Option<()> {
        loop {
            self.space();
            let Some(ch) = self.next() else {
                return Some(());
            };
            match ch {
                '(' => self.group()?,
                ')' => {
                    let (f, start, rep) = self.groups.pop()?;
                    self.f = f;
                    self.out.push(')');
                    self.last = Some((start, false, rep));
                    if let Some(g) = self.groups.last_mut() {
                        g.2 |= rep;
                    }
                }
                '|' => {
                    self.out.push('|');
                    self.last = None;
                }
                '?' | '*' | '+' => {
                    let op = match ch {
                        '?' => "?",
                        '*' => "*",
                        _ => "+",
                    };
                    self.repeat(op, ch != '?', true)?;
                    // A lazy marker changes which match is found, not whether one is.
                    if self.peek() == Some('?') {
                        self.at += 1;
                    }
                }
                '{' => self.counted()?,
                '[' => {
                    let s = self.class()?;
                    self.atom(Atom::Set(s));
                }
                '\\' => {
                    let a = self.escape()?;
                    self.atom(a);
                }
                '.' => {
                    let s = match (self.f.s, self.f.r) {
                        (true, _) => vec![(0, MAX)],
                        (_, true) => vec![(0, 9), (11, 12), (14, MAX)],
                        _ => vec![(0, 9), (11, MAX)],
                    };
                    self.atom(Atom::Set(s));
                }
                '^' => self.atom(Atom::Look(match (self.f.m, self.f.r) {
                    (false, _) => "(?<![^])",
                    (true, false) => "(?<![^\\n])",
                    (true, true) => "(?:(?<![^])|(?<=\\n)|(?<=\\r)(?!\\n))",
                })),
                '$' => self.atom(Atom::Look(match (self.f.m, self.f.r) {
                    (false, _) => "(?![^])",
                    (true, false) => "(?![^\\n])",
                    (true, true) => "(?:(?![^])|(?=\\r)|(?=\\n)(?<!\\r))",
                })),
                c => self.atom(Atom::Char(c as u32)),
            }
        }
    }

    /// After `(`: a group, a named group, or flags (`(?i)` for the rest of the enclosing
    /// group, `(?i:…)` for this one).
    fn group(&mut self) -> Option<()> {
        self.space();
        let start = self.out.len();
        if self.eat("?P<") || self.eat("?<") {
            match self.next()? {
                '=' | '!' | '>' => return None,
                _ => while self.next()? != '>' {},
            }
        } else if self.eat("?") {
            let mut f = self.f;
            let (mut on, mut any) = (true, false);
            loop {
                match self.next()? {
                    ':' => break,
                    ')' if any => {
                        // A directive: applies until the enclosing group closes.
                        self.f = f;
                        self.last = None;
                        return Some(());
                    }
                    '-' if on => on = false,
                    c => {
                        match c {
                            'i' => f.i = on,
                            'm' => f.m = on,
                            's' => f.s = on,
                            'R' => f.r = on,
                            'x' => f.x = on,
                            'U' | 'u' => {}
                            _ => return None,
                        }
                        any = true;
                    }
                }
            }
            self.groups.push((self.f, start, false));
            self.f = f;
            self.out.push_str("(?:");
            return Some(());
        }
        self.groups.push((self.f, start, false));
        self.out.push_str("(?:");
        Some(())
    }

    /// Appends a repetition operator to the last atom. `many`: it may repeat more than once;
    /// `variable`: the number of repeats is not fixed.
    fn repeat(&mut self, op: &str, many: bool, variable: bool) -> Option<()> {
        let (start, repeated, var) = self.last?;
        if many && (repeated || var) {
            return None;
        }
        if repeated {
            self.out.insert_str(start, "(?:");
            self.out.push(')');
        }
        self.out.push_str(op);
        let var = var || variable;
        self.last = Some((start, true, var));
        if let Some(g) = self.groups.last_mut() {
            g.2 |= var;
        }
        Some(())
    }

    /// `{n}`, `{n,}`, `{n,m}` (verbose-mode whitespace allowed around the numbers).
    fn counted(&mut self) -> Option<()> {
        self.space();
        let min = self.decimal()?;
        let mut max = Some(min);
        if self.peek() == Some(',') {
            self.at += 1;
            self.space();
            max = if self.peek() == Some('}') {
                None
            } else {
                Some(self.decimal()?)
            };
        }
        if self.next()? != '}' || max.is_some_and(|m| m < min) {
            return None;
        }
        let mut op = String::from("{");
        dec(&mut op, min);
        if max != Some(min) {
            op.push(',');
            if let Some(m) = max {
                dec(&mut op, m);
            }
        }
        op.push('}');
        self.repeat(&op, max.is_none_or(|m| m > 1), max != Some(min))?;
        self.space();
        if self.peek() == Some('?') {
            self.at += 1;
        }
        Some(())
    }

    fn decimal(&mut self) -> Option<u32> {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
        let mut n: Option<u32> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = Some(n.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
            self.at += 1;
            self.space();
        }
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
        n
    }

    fn atom(&mut self, a: Atom) {
        match a {
            Atom::Char(c) => self.set(vec![(c, c)]),
            Atom::Set(s) => {
                let start = self.out.len();
                self.emit(&s);
                self.last = Some((start, false, false));
            }
            Atom::Look(l) => {
                let start = self.out.len();
                // Wrapped, so that a repetition of it stays valid JavaScript.
                self.out.push_str("(?:");
                self.out.push_str(l);
                self.out.push(')');
                self.last = Some((start, false, false));
            }
        }
    }

    /// A literal or `.`: case-folded under `i`.
    fn set(&mut self, mut s: Set) {
        if self.f.i {
            fold(&mut s);
        }
        self.atom(Atom::Set(s));
    }

    fn emit(&mut self, s: &Set) {
        self.out.push('[');
        for &(lo, hi) in s {
            hex(&mut self.out, lo);
            if hi > lo {
                self.out.push('-');
                hex(&mut self.out, hi);
            }
        }
        self.out.push(']');
    }

    /// After `\`.
    fn escape(&mut self) -> Option<Atom> {
        let ch = self.next()?;
        Some(match ch {
            'x' | 'u' | 'U' => {
                self.space();
                let mut n = 0u32;
                if self.peek() == Some('{') {
                    self.at += 1;
                    let mut digits = 0;
                    loop {
                        self.space();
                        match self.next()? {
                            '}' => break,
                            c => n = n.checked_mul(16)?.checked_add(c.to_digit(16)?)?,
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return None;
                    }
                } else {
                    for k in 0..match ch {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    } {
                        if k > 0 {
                            self.space();
                        }
                        n = n.checked_mul(16)?.checked_add(self.next()?.to_digit(16)?)?;
                    }
                }
                char::from_u32(n)?;
                Atom::Char(n)
            }
            'd' | 'D' => perl(ch, DIGIT),
            's' | 'S' => perl(ch, SPACE),
            'w' | 'W' => perl(ch, WORD),
            'a' => Atom::Char(7),
            'f' => Atom::Char(12),
            't' => Atom::Char(9),
            'n' => Atom::Char(10),
            'r' => Atom::Char(13),
            'v' => Atom::Char(11),
            'A' => Atom::Look("(?<![^])"),
            'z' => Atom::Look("(?![^])"),
            'B' => Atom::Look("\\B"),
            '<' => Atom::Look("(?<!\\w)(?=\\w)"),
            '>' => Atom::Look("(?<=\\w)(?!\\w)"),
            'b' => {
                // `\b{start}` and friends; `\b{5}` is a repetition of `\b`.
                let save = self.at;
                let mut name = String::new();
                if self.eat("{") {
                    self.space();
                    while let Some(c) = self.peek().filter(|c| c.is_ascii_alphabetic() || *c == '-')
                    {
                        name.push(c);
                        self.at += 1;
                        self.space();
                    }
                }
                if name.is_empty() {
                    self.at = save;
                    return Some(Atom::Look("\\b"));
                }
                if self.next()? != '}' {
                    return None;
                }
                Atom::Look(match name.as_str() {
                    "start" => "(?<!\\w)(?=\\w)",
                    "end" => "(?<=\\w)(?!\\w)",
                    "start-half" => "(?<!\\w)",
                    "end-half" => "(?!\\w)",
                    _ => return None,
                })
            }
            c if c.is_ascii() && !c.is_ascii_alphanumeric() && c != '<' && c != '>' => {
                Atom::Char(c as u32)
            }
            _ => return None,
        })
    }

    /// After `[`: the class as an explicit set (folded under `i`, then negated).
    fn class(&mut self) -> Option<Set> {
        self.space();
        let neg = self.peek() == Some('^');
        if neg {
            self.at += 1;
            self.space();
        }
        let mut s = Set::new();
        while self.peek() == Some('-') {
            s.push((0x2D, 0x2D));
            self.at += 1;
            self.space();
        }
        if s.is_empty() && self.peek() == Some(']') {
            s.push((0x5D, 0x5D));
            self.at += 1;
            self.space();
        }
        loop {
            self.space();
            match self.peek()? {
                ']' => {
                    self.at += 1;
                    break;
                }
                '[' => {
                    // Only POSIX classes nest: `[[:alpha:]]`, `[[:^digit:]]`.
                    self.at += 1;
                    if !self.eat(":") {
                        return None;
                    }
                    let not = self.eat("^");
                    let mut name = String::new();
                    while let Some(c) = self.next().filter(|c| *c != ':') {
                        name.push(c);
                    }
                    if !self.eat("]") {
                        return None;
                    }
                    let p = set(posix(&name)?);
                    s.extend(if not { negate(p) } else { p });
                }
                c @ ('&' | '-' | '~') if self.c.get(self.at + 1) == Some(&c) => return None,
                _ => {
                    let a = self.class_item()?;
                    self.space();
                    self.peek()?;
                    let range =
                        self.peek() == Some('-') && !matches!(self.peek_after(), Some(']' | '-'));
                    match a {
                        Atom::Char(lo) if range => {
                            self.at += 1;
                            self.space();
                            let Atom::Char(hi) = self.class_item()? else {
                                return None;
                            };
                            if hi < lo {
                                return None;
                            }
                            s.push((lo, hi));
                        }
                        _ if range => return None,
                        Atom::Char(c) => s.push((c, c)),
                        Atom::Set(x) => s.extend(x),
                        Atom::Look(_) => return None,
                    }
                }
            }
        }
        if self.f.i {
            fold(&mut s);
        }
        Some(if neg { negate(s) } else { s })
    }

    fn class_item(&mut self) -> Option<Atom> {
        match self.next()? {
            '\\' => self.escape(),
            c => Some(Atom::Char(c as u32)),
        }
    }
}

fn perl(ch: char, r: &[(u8, u8)]) -> Atom {
    let s = set(r);
    Atom::Set(if ch.is_ascii_uppercase() {
        negate(s)
    } else {
        s
    })
}

fn dec(out: &mut String, n: u32) {
    if n >= 10 {
        dec(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

fn hex(out: &mut String, c: u32) {
    out.push_str("\\u{");
    let mut started = false;
    for shift in (0..6).rev() {
        let d = (c >> (shift * 4)) & 0xF;
        if d != 0 || started || shift == 0 {
            started = true;
            out.push(char::from_digit(d, 16).unwrap_or('0'));
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::to_js;

    #[test]
    fn with_js_puts_the_translation_beside_each_pattern_the_engine_compiles() {
        use serde_json::json;
        let mut v = json!([
            {"type": "page_visit", "match": "regex", "value": "^/a\\d"},
            {"type": "page_visit", "pageUrlMatch": "not_regex", "pageUrl": "x"},
            {"type": "page_visit", "match": "contains", "value": "^/a", "js": "planted"},
            {"type": "page_visit", "match": "regex", "value": "(a+)+", "js": "planted"},
            {"type": "event", "name": "e", "properties": [{"key": "k", "operator": "matches", "value": "b"}]},
            {"type": "group", "children": [{"type": "condition", "operator": "matches", "value": "c"}]}
        ]);
        super::with_js(&mut v);
        assert_eq!(v[0]["js"], json!(to_js("^/a\\d")));
        assert_eq!(v[1]["js"], json!(to_js("x")));
        // Not a pattern, or one the browser refuses: no `js`, whatever was stored.
        assert!(v[2].get("js").is_none() && v[3].get("js").is_none());
        assert_eq!(v[4]["properties"][0]["js"], json!(to_js("b")));
        assert_eq!(v[5]["children"][0]["js"], json!(to_js("c")));
    }

    #[test]
    fn spells_out_literals_classes_and_anchors() {
        assert_eq!(to_js("a").as_deref(), Some("[\\u{61}]"));
        assert_eq!(to_js("(?i)a").as_deref(), Some("[\\u{61}\\u{41}]"));
        assert_eq!(
            to_js("^a$").as_deref(),
            Some("(?:(?<![^]))[\\u{61}](?:(?![^]))")
        );
        assert_eq!(
            to_js("[^a]").as_deref(),
            Some("[\\u{0}-\\u{60}\\u{62}-\\u{10ffff}]")
        );
        assert_eq!(to_js("a{2,3}?").as_deref(), Some("[\\u{61}]{2,3}"));
    }

    #[test]
    fn refuses_invalid_and_nested_repetition() {
        for p in [
            "(a",
            "a)",
            "[a",
            "\\p{L}",
            "(?=a)",
            "a{2",
            "(a+)+",
            "(\\w*)*",
            "((a+))+",
            "a**",
            "\\w{10}{10}",
            "[a&&b]",
            "\\1",
            "(?z)",
        ] {
            assert_eq!(to_js(p), None, "{p}");
        }
        assert!(to_js("(a+)?").is_some());
        assert!(to_js("(ab)+").is_some());
    }
}

//! The runtime's layout, checked from its sources (`docs/layout.md` describes it):
//!
//! - no import cycle among the runtime's modules (every file is a module; test code aside);
//! - pallets never import the aggregates (`RuntimeCall`, `RuntimeEvent`, the executive, …);
//! - no non-test file above 900 lines, and no `too_many_arguments` allow;
//! - the node, the CLI and the store use the runtime's facade only, never its modules.
//!
//! The sources are read as text: `use` trees and `crate::`/`super::` paths in code outside
//! comments, string literals and `#[cfg(test)]` items.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The pallets: each may use `storage`, `support` and the pallets below it.
const PALLETS: &[&str] = &[
    "system",
    "timestamp",
    "balances",
    "transaction_payment",
    "swap",
    "subtensor",
    "commitments",
    "admin_utils",
    "utility",
    "sudo",
    "mev_shield",
];
/// The aggregates, which only the aggregates (and the crate root) may use.
const AGGREGATES: &[&str] = &[
    "config",
    "call",
    "event",
    "executive",
    "extrinsic",
    "genesis",
    "metadata",
    "runtime_api",
    "runtime",
];
/// The longest a file may be, its tests excluded.
const MAX_LINES: usize = 900;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The module path of a source file: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src_dir()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

/// `src` with comments and string/char literals blanked (lengths kept, so lines stay put).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                out.push(' ');
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            while i < b.len() && !b[i..].starts_with(b"*/") {
                out.push(if b[i] == b'\n' { '\n' } else { ' ' });
                i += 1;
            }
            out.push_str("  ");
            i += 2;
        } else if b[i] == b'"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(if b[i] == b'\n' { '\n' } else { ' ' });
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal (not a lifetime).
            out.push_str("' '");
            i += if b[i + 1] == b'\\' { 4 } else { 3 };
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// `code` without its `#[cfg(test)]` items (an inline module or item is skipped to its
/// closing brace, an out-of-line `mod x;` to its semicolon).
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let brace = after.find('{');
        let semi = after.find(';');
        let end = match (brace, semi) {
            (Some(b), Some(s)) if s < b => s + 1,
            (Some(b), _) => {
                let mut depth = 0usize;
                let mut end = after.len();
                for (i, c) in after[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(s)) => s + 1,
            (None, None) => after.len(),
        };
        out.push_str(&"\n".repeat(after[..end].matches('\n').count()));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Every path the code names from `crate::`, `super::` or `self::`, as segments (the
/// `crate`/`super`/`self` head kept), with `use` trees expanded.
fn paths(code: &str) -> Vec<Vec<String>> {
    paths_from(code, &["crate::", "super::", "self::"])
}

/// Every path the code names from one of `heads`, with `use` trees expanded.
fn paths_from(code: &str, heads: &[&str]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let prev_ok = i == 0
            || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        let starts = heads
            .iter()
            .any(|h| chars[i..].iter().take(h.len()).copied().eq(h.chars()));
        if starts && prev_ok {
            let (tree, end) = read_tree(&chars, i);
            expand(&tree, &mut Vec::new(), &mut out);
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// A `use` tree: a path segment and what follows it.
#[derive(Debug)]
enum Tree {
    Path(String, Option<Box<Tree>>),
    Group(Vec<Tree>),
}

fn read_tree(chars: &[char], mut i: usize) -> (Tree, usize) {
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if i < chars.len() && chars[i] == '{' {
        i += 1;
        let mut items = Vec::new();
        loop {
            skip_ws(&mut i);
            if i >= chars.len() {
                break;
            }
            if chars[i] == '}' {
                i += 1;
                break;
            }
            if chars[i] == ',' {
                i += 1;
                continue;
            }
            let (t, end) = read_tree(chars, i);
            items.push(t);
            i = end;
            // Skip `as alias`.
            skip_ws(&mut i);
            if chars[i..].iter().take(3).copied().eq("as ".chars()) {
                i += 3;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i].is_whitespace())
                {
                    i += 1;
                }
            }
        }
        return (Tree::Group(items), i);
    }
    let start = i;
    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '*') {
        i += 1;
    }
    let seg: String = chars[start..i].iter().collect();
    if chars[i..].iter().take(2).copied().eq("::".chars()) {
        let (rest, end) = read_tree(chars, i + 2);
        (Tree::Path(seg, Some(Box::new(rest))), end)
    } else {
        (Tree::Path(seg, None), i)
    }
}

fn expand(tree: &Tree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        Tree::Path(seg, next) => {
            prefix.push(seg.clone());
            match next {
                Some(t) => expand(t, prefix, out),
                None => out.push(prefix.clone()),
            }
            prefix.pop();
        }
        Tree::Group(items) => {
            for t in items {
                expand(t, prefix, out);
            }
        }
    }
}

struct Source {
    module: Vec<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(&src_dir(), &mut files);
    files
        .into_iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            name != "tests.rs" && name != "test_support.rs"
        })
        .map(|f| Source {
            module: module_of(&f),
            code: without_tests(&code_only(&std::fs::read_to_string(&f).unwrap())),
        })
        .collect()
}

/// The module graph: each file module and the file modules it names.
fn graph(sources: &[Source]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut g = BTreeMap::new();
    for s in sources {
        let mut deps = BTreeSet::new();
        for p in paths(&s.code) {
            // `self` is the file's module, `super` its parent (for `a/b.rs` and `a/b/mod.rs`
            // alike).
            let mut base: Vec<String> = match p[0].as_str() {
                "crate" => Vec::new(),
                "self" => s.module.clone(),
                "super" => s.module[..s.module.len().saturating_sub(1)].to_vec(),
                _ => continue,
            };
            let mut rest = &p[1..];
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            let full: Vec<String> = base.into_iter().chain(rest.iter().cloned()).collect();
            let target = (0..=full.len())
                .rev()
                .map(|k| full[..k].to_vec())
                .find(|m| modules.contains(m));
            if let Some(t) = target
                && t != s.module
                && !t.is_empty()
            {
                deps.insert(t.join("::"));
            }
        }
        g.insert(s.module.join("::"), deps);
    }
    g
}

/// A cycle in `g`, if any (depth-first search).
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for d in g.get(n).into_iter().flatten() {
            match state.get(d.as_str()).copied().unwrap_or(0) {
                0 => {
                    if let Some(c) = visit(d, g, state, stack) {
                        return Some(c);
                    }
                }
                1 => {
                    let from = stack.iter().position(|s| s == d).unwrap();
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for n in g.keys() {
        if state.get(n.as_str()).copied().unwrap_or(0) == 0
            && let Some(c) = visit(n, g, &mut state, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

fn top(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn the_analysis_sees_what_it_must() {
    // The checks below are only as good as the path reader: it must find these.
    let code = code_only(
        "use super::{a::{B, c}, d};\nuse crate::x::y as z;\n// crate::not::this\nfn f() { crate::e::g(\"crate::nor::this\"); }\n#[cfg(test)]\nmod tests { use crate::t; }\n",
    );
    let got = paths(&without_tests(&code));
    let outside = paths_from(
        "use cortex_runtime::{types::A, Runtime};",
        &["cortex_runtime::"],
    );
    assert_eq!(
        outside,
        vec![
            vec!["cortex_runtime", "types", "A"],
            vec!["cortex_runtime", "Runtime"]
        ]
    );
    let want: Vec<Vec<String>> = [
        vec!["super", "a", "B"],
        vec!["super", "a", "c"],
        vec!["super", "d"],
        vec!["crate", "x", "y"],
        vec!["crate", "e", "g"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| s.to_string()).collect())
    .collect();
    assert_eq!(got, want);
    let g = graph(&sources());
    assert!(g["executive"].contains("balances"), "{:?}", g["executive"]);
    assert!(g["subtensor::staking"].contains("subtensor::pool"));
    assert!(g.len() > 40, "{} modules", g.len());
}

#[test]
fn no_import_cycle_among_the_runtimes_modules() {
    let g = graph(&sources());
    if let Some(cycle) = find_cycle(&g) {
        panic!("import cycle: {}", cycle.join(" -> "));
    }
}

#[test]
fn pallets_never_import_the_aggregates() {
    let g = graph(&sources());
    let mut wrong = Vec::new();
    for (m, deps) in &g {
        if !PALLETS.contains(&top(m)) {
            continue;
        }
        for d in deps {
            if AGGREGATES.contains(&top(d)) {
                wrong.push(format!("{m} -> {d}"));
            }
        }
    }
    assert!(wrong.is_empty(), "pallets importing aggregates: {wrong:?}");
}

#[test]
fn no_file_above_900_lines_and_no_long_argument_lists() {
    for s in sources() {
        let lines = s.code.trim_end().lines().count();
        let name = s.module.join("::");
        assert!(
            lines <= MAX_LINES,
            "{name}: {lines} lines without its tests (at most {MAX_LINES}): split it by concept"
        );
        assert!(
            !s.code.contains("too_many_arguments"),
            "{name}: a too_many_arguments allow; pass a context struct"
        );
    }
}

#[test]
fn the_node_uses_only_the_facade() {
    let modules: BTreeSet<&str> = PALLETS
        .iter()
        .chain(AGGREGATES)
        .chain(&["storage", "support"])
        .copied()
        .collect();
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut wrong = Vec::new();
    for krate in ["node", "cli", "store"] {
        let mut files = Vec::new();
        rust_files(&crates.join(krate), &mut files);
        for f in files {
            let code = code_only(&std::fs::read_to_string(&f).unwrap());
            for p in paths_from(&code, &["cortex_runtime::"]) {
                if p.get(1).is_some_and(|seg| modules.contains(seg.as_str())) {
                    wrong.push(format!("{}: {}", f.display(), p.join("::")));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "reaching past the facade: {wrong:#?}");
}

//! Which code calls which rule, read from the source as Rust.
//!
//! A rule is decided by the article module's functions that build its
//! `Decision` (they name its `Rule` static), and by the functions that call
//! those, inside the rules crate. A call site is a path in code — not in a
//! comment, a string or a `use` — that names such a function: called
//! (`tenure(…)`, `art01_inclusion::tenure(…)`, an alias from a `use`) or,
//! written with its module, passed as a value. Comments are not tokens and
//! strings are literals, so a mere mention never counts.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

/// A name's meaning in a scope: what `use` brought in.
#[derive(Clone, Debug, Default)]
struct Scope {
    /// Local name → full path.
    uses: BTreeMap<String, Vec<String>>,
    /// Paths imported with `::*`.
    globs: Vec<Vec<String>>,
    /// The article module this code is in (its own functions by bare name).
    own: Option<String>,
    /// The code is the rules crate's own (`crate::` leads into it).
    rules_crate: bool,
}

impl Scope {
    fn add_use(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        self.uses.insert(last.clone(), prefix.clone());
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    self.uses.insert(name, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.uses.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Glob(_) => self.globs.push(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(t, prefix);
                }
            }
        }
    }

    fn with_uses<'a>(&self, uses: impl IntoIterator<Item = &'a syn::ItemUse>) -> Scope {
        let mut s = self.clone();
        for u in uses {
            s.add_use(&u.tree, &mut Vec::new());
        }
        s
    }

    /// Whether `path` (as imported or written) leads into the rules crate:
    /// `touyan_rules::…`, or `crate::`/`self::`/`super::` inside it. Paths
    /// of other crates (`touyan_workflow::art06_training`, a crate's own
    /// `crate::…`) never name a rule, however alike their names.
    fn anchored(&self, path: &[String]) -> bool {
        match path.first().map(String::as_str) {
            Some("touyan_rules") => true,
            Some("crate" | "self" | "super") => self.rules_crate,
            _ => false,
        }
    }

    /// The full path of `segs` as written here, without the crate prefix;
    /// `None` when it does not lead into the rules crate.
    fn resolve(&self, segs: &[String]) -> Option<Vec<String>> {
        let mut full: Vec<String> = match self.uses.get(&segs[0]) {
            Some(p) => p.iter().chain(&segs[1..]).cloned().collect(),
            None => segs.to_vec(),
        };
        if !self.anchored(&full) {
            return None;
        }
        while full.len() > 1
            && matches!(
                full[0].as_str(),
                "crate" | "self" | "super" | "touyan_rules"
            )
        {
            full.remove(0);
        }
        Some(full)
    }
}

/// One path found in code.
#[derive(Debug)]
struct PathUse {
    segs: Vec<String>,
    called: bool,
    /// The function it is in (the last `fn NAME` seen), if any.
    in_fn: Option<String>,
}

const KEYWORDS: [&str; 12] = [
    "let", "mut", "ref", "return", "if", "else", "match", "in", "as", "where", "move", "await",
];

/// Every path in `ts`, skipping `use` declarations and what follows a `.`.
fn paths(ts: TokenStream, out: &mut Vec<PathUse>, in_fn: &mut Option<String>) {
    let tt: Vec<TokenTree> = ts.into_iter().collect();
    let punct =
        |k: usize, c: char| matches!(tt.get(k), Some(TokenTree::Punct(p)) if p.as_char() == c);
    let colons = |k: usize| {
        matches!(tt.get(k), Some(TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint)
            && punct(k + 1, ':')
    };
    let mut i = 0;
    while i < tt.len() {
        match &tt[i] {
            TokenTree::Group(g) => {
                paths(g.stream(), out, in_fn);
                i += 1;
            }
            TokenTree::Ident(id) if id == "use" => {
                while i < tt.len() && !punct(i, ';') {
                    i += 1;
                }
                i += 1;
            }
            TokenTree::Ident(id) if id == "fn" => {
                if let Some(TokenTree::Ident(name)) = tt.get(i + 1) {
                    *in_fn = Some(name.to_string());
                }
                i += 2;
            }
            TokenTree::Ident(id) => {
                let after_dot = i > 0 && punct(i - 1, '.');
                let after_colons = i > 1 && colons(i - 2);
                let mut segs = vec![id.to_string()];
                let mut j = i + 1;
                loop {
                    if colons(j) {
                        match tt.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                segs.push(next.to_string());
                                j += 3;
                            }
                            // Turbofish: `f::<T>(…)`.
                            Some(TokenTree::Punct(p)) if p.as_char() == '<' => {
                                let mut depth = 0i32;
                                j += 2;
                                while j < tt.len() {
                                    if punct(j, '<') {
                                        depth += 1;
                                    } else if punct(j, '>') {
                                        depth -= 1;
                                        if depth == 0 {
                                            j += 1;
                                            break;
                                        }
                                    }
                                    j += 1;
                                }
                                break;
                            }
                            _ => break,
                        }
                    } else {
                        break;
                    }
                }
                let called = matches!(tt.get(j), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                if !after_dot && !after_colons && !KEYWORDS.contains(&segs[0].as_str()) {
                    out.push(PathUse {
                        segs,
                        called,
                        in_fn: in_fn.clone(),
                    });
                }
                i = j;
            }
            _ => i += 1,
        }
    }
}

/// The `use` declarations anywhere inside an item (in function bodies).
fn inner_uses(tokens: &syn::Item) -> Vec<syn::ItemUse> {
    struct V(Vec<syn::ItemUse>);
    impl<'a> Visit<'a> for V {
        fn visit_item_use(&mut self, u: &'a syn::ItemUse) {
            self.0.push(u.clone());
        }
    }
    let mut v = V(Vec::new());
    v.visit_item(tokens);
    v.0
}

fn is_test_attr(a: &syn::Attribute) -> bool {
    let path = a.path();
    if path.segments.last().is_some_and(|s| s.ident == "test") {
        return true;
    }
    path.is_ident("cfg") && {
        let mut test = false;
        let _ = a.parse_nested_meta(|m| {
            // cfg(test), cfg(all(test, …)): any `test` word.
            test |= m.path.is_ident("test");
            if m.input.peek(syn::token::Paren) {
                let inner;
                syn::parenthesized!(inner in m.input);
                let ts: TokenStream = inner.parse()?;
                test |= ts
                    .into_iter()
                    .any(|t| matches!(t, TokenTree::Ident(i) if i == "test"));
            }
            Ok(())
        });
        test
    }
}

fn has_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(is_test_attr)
}

/// The article modules' functions and the rules each decides.
#[derive(Debug, Default)]
pub struct RuleIndex {
    /// Article module → its functions (outside tests).
    fns: BTreeMap<String, BTreeSet<String>>,
    /// Rule id → `module::function` that decide it.
    pub deciders: BTreeMap<String, BTreeSet<String>>,
}

impl RuleIndex {
    /// From the article modules' source: `(module name, source)`.
    pub fn build(modules: &[(String, String)]) -> Result<RuleIndex, String> {
        let mut statics: BTreeMap<(String, String), String> = BTreeMap::new();
        let mut fns: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut bodies: Vec<(String, String, Scope, syn::Item)> = Vec::new();
        for (module, src) in modules {
            let file = syn::parse_file(src).map_err(|e| format!("{module}: {e}"))?;
            let scope = Scope {
                own: Some(module.clone()),
                rules_crate: true,
                ..Scope::default()
            }
            .with_uses(file.items.iter().filter_map(|i| match i {
                syn::Item::Use(u) => Some(u),
                _ => None,
            }));
            for item in &file.items {
                match item {
                    syn::Item::Static(s) if s.ty.to_token_stream().to_string() == "Rule" => {
                        if let syn::Expr::Struct(e) = &*s.expr {
                            for f in &e.fields {
                                if let (syn::Member::Named(n), syn::Expr::Lit(l)) =
                                    (&f.member, &f.expr)
                                    && n == "id"
                                    && let syn::Lit::Str(id) = &l.lit
                                {
                                    statics
                                        .insert((module.clone(), s.ident.to_string()), id.value());
                                }
                            }
                        }
                    }
                    syn::Item::Fn(f) if !has_test_attr(&f.attrs) => {
                        fns.entry(module.clone())
                            .or_default()
                            .insert(f.sig.ident.to_string());
                        bodies.push((
                            module.clone(),
                            f.sig.ident.to_string(),
                            scope.clone(),
                            item.clone(),
                        ));
                    }
                    _ => {}
                }
            }
        }
        let mut index = RuleIndex {
            fns,
            deciders: BTreeMap::new(),
        };
        // Direct: a function naming a rule static; edges: calls of other
        // article functions.
        let mut direct: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, name, scope, item) in &bodies {
            let me = format!("{module}::{name}");
            let scope = scope.with_uses(&inner_uses(item));
            let mut found = Vec::new();
            paths(item.to_token_stream(), &mut found, &mut None);
            for p in found {
                let key = match (p.segs.as_slice(), scope.resolve(&p.segs).as_deref()) {
                    ([one], None) => Some((module.clone(), one.clone())),
                    (_, Some([.., m, x])) => Some((m.clone(), x.clone())),
                    _ => None,
                };
                if let Some(key) = &key
                    && let Some(id) = statics.get(key)
                {
                    direct.entry(me.clone()).or_default().insert(id.clone());
                }
                if let Some(target) = index.target(&scope, &p) {
                    calls.entry(me.clone()).or_default().insert(target);
                }
            }
        }
        // A function decides what it names and what the functions it calls
        // decide.
        let mut decides = direct.clone();
        loop {
            let mut changed = false;
            for (f, callees) in &calls {
                let more: BTreeSet<String> = callees
                    .iter()
                    .filter_map(|c| decides.get(c))
                    .flatten()
                    .cloned()
                    .collect();
                let mine = decides.entry(f.clone()).or_default();
                for id in more {
                    changed |= mine.insert(id);
                }
            }
            if !changed {
                break;
            }
        }
        for (f, ids) in decides {
            for id in ids {
                index.deciders.entry(id).or_default().insert(f.clone());
            }
        }
        Ok(index)
    }

    /// Records that `function` (`module::name`) decides `rule` though it
    /// builds no `Decision` of it (docs/clauses.toml `[decided_by]`).
    pub fn declare(&mut self, rule: &str, function: &str) -> Result<(), String> {
        let (m, f) = function
            .split_once("::")
            .ok_or_else(|| format!("{function}: not module::function"))?;
        if !self.fns.get(m).is_some_and(|fs| fs.contains(f)) {
            return Err(format!("{rule}: no function {function} in the rules crate"));
        }
        self.deciders
            .entry(rule.to_string())
            .or_default()
            .insert(function.to_string());
        Ok(())
    }

    /// The article function a path names here, as `module::function`.
    fn target(&self, scope: &Scope, p: &PathUse) -> Option<String> {
        // A name written alone counts only when called: `let tenure = …`
        // is a local.
        if p.segs.len() == 1 && !p.called {
            return None;
        }
        let known = |m: &str, f: &str| self.fns.get(m).is_some_and(|fs| fs.contains(f));
        match (p.segs.as_slice(), scope.resolve(&p.segs).as_deref()) {
            (_, Some([.., m, f])) if known(m, f) => Some(format!("{m}::{f}")),
            // A bare name not imported by name: the module's own function,
            // or from a glob import of an article module.
            ([f], None) => {
                if let Some(m) = scope.own.as_deref().filter(|m| known(m, f)) {
                    return Some(format!("{m}::{f}"));
                }
                scope.globs.iter().find_map(|g| {
                    let m = g.last().filter(|_| scope.anchored(g))?;
                    known(m, f).then(|| format!("{m}::{f}"))
                })
            }
            _ => None,
        }
    }
}

/// A call of an article function.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    /// `module::function` called.
    pub target: String,
    /// The item it is in (function name, or `-` at item level).
    pub item: String,
    /// In test code: a test file, a `#[cfg(test)]` module or a `#[test]`.
    pub test: bool,
}

/// Every call of an article function in one source file. `test`: the file
/// is test code as a whole; `own`: the article module the file is.
/// `rules_crate`: the file is in the rules crate's `src`.
pub fn sites(
    index: &RuleIndex,
    src: &str,
    test: bool,
    own: Option<&str>,
    rules_crate: bool,
) -> Result<Vec<Site>, String> {
    let file = syn::parse_file(src).map_err(|e| e.to_string())?;
    let scope = Scope {
        own: own.map(str::to_string),
        rules_crate,
        ..Scope::default()
    };
    let mut out = Vec::new();
    items(index, &file.items, &scope, test, &mut out);
    out.sort();
    out.dedup();
    Ok(out)
}

fn items(index: &RuleIndex, list: &[syn::Item], outer: &Scope, test: bool, out: &mut Vec<Site>) {
    let scope = outer.with_uses(list.iter().filter_map(|i| match i {
        syn::Item::Use(u) => Some(u),
        _ => None,
    }));
    for item in list {
        match item {
            syn::Item::Use(_) => {}
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    // `use super::*` brings in what the parent sees.
                    let glob_super = inner.iter().any(|i| {
                        matches!(i, syn::Item::Use(u) if u.tree.to_token_stream().to_string().replace(' ', "") == "super::*")
                    });
                    let child = if glob_super {
                        scope.clone()
                    } else {
                        Scope {
                            rules_crate: scope.rules_crate,
                            ..Scope::default()
                        }
                    };
                    items(index, inner, &child, test || has_test_attr(&m.attrs), out);
                }
            }
            syn::Item::Impl(imp) => {
                let t = test || has_test_attr(&imp.attrs);
                for ii in &imp.items {
                    if let syn::ImplItem::Fn(f) = ii {
                        let scope = scope.with_uses(&[]);
                        let mut found = Vec::new();
                        let mut in_fn = Some(f.sig.ident.to_string());
                        paths(f.block.to_token_stream(), &mut found, &mut in_fn);
                        push(index, &scope, found, t || has_test_attr(&f.attrs), out);
                    }
                }
            }
            other => {
                let attrs: &[syn::Attribute] = match other {
                    syn::Item::Fn(f) => &f.attrs,
                    syn::Item::Const(c) => &c.attrs,
                    syn::Item::Static(s) => &s.attrs,
                    syn::Item::Macro(m) => &m.attrs,
                    syn::Item::Trait(t) => &t.attrs,
                    _ => &[],
                };
                let scope = scope.with_uses(&inner_uses(other));
                let mut found = Vec::new();
                paths(other.to_token_stream(), &mut found, &mut None);
                push(index, &scope, found, test || has_test_attr(attrs), out);
            }
        }
    }
}

fn push(index: &RuleIndex, scope: &Scope, found: Vec<PathUse>, test: bool, out: &mut Vec<Site>) {
    for p in found {
        if let Some(target) = index.target(scope, &p) {
            out.push(Site {
                target,
                item: p.in_fn.clone().unwrap_or_else(|| "-".to_string()),
                test,
            });
        }
    }
}

/// The modules a file declares out of line under `#[cfg(test)]`
/// (`#[cfg(test)] mod tests;`): their files are test code.
pub fn test_mods(src: &str) -> Vec<String> {
    let Ok(file) = syn::parse_file(src) else {
        return Vec::new();
    };
    file.items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Mod(m) if m.content.is_none() && has_test_attr(&m.attrs) => {
                Some(m.ident.to_string())
            }
            _ => None,
        })
        .collect()
}

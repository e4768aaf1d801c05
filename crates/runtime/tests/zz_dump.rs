#[test]
fn dump() {
    use cortex_runtime::metadata::*;
    let m = metadata_v15(250);
    let mut out = String::new();
    for t in m.types.types.iter() {
        out += &format!("{} {}\n", t.id, t.ty.path.segments.join("::"));
    }
    std::fs::write(std::env::var("DUMP").unwrap(), out).unwrap();
    std::fs::write(format!("{}.debug", std::env::var("DUMP").unwrap()), format!("{:#?}", m)).unwrap();
}

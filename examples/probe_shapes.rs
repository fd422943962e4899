use reach::load::{load_files, Limits};
fn main() {
    for e in std::fs::read_dir(std::env::args().nth(1).unwrap()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") { continue; }
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let raw = load_files("x", vec![(name.clone(), std::fs::read(&p).unwrap())], &Limits::default());
        println!("{name}: {:?} aml={} principals={} assignments={} resources={}", raw.files.iter().map(|f| f.kind.clone()).collect::<Vec<_>>(), raw.aml.len(), raw.principals.len(), raw.assignments.len(), raw.resources.len());
        for f in &raw.findings { println!("    {:?} {}", f.severity, f.message); }
    }
}

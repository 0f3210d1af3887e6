//! Reads "VERSION<TAB>REQUIREMENT" lines; for each prints one line:
//! `R V M G` then ` | VERSION:SIGN:PARTIAL` per comparator, where
//!   R, V: 1 if the requirement / version parse (0 otherwise),
//!   M:    1 if cargo's semver says the version matches,
//!   G:    1 if the version's release (MAJOR.MINOR.PATCH, without its
//!         pre-release and build metadata) matches,
//!   SIGN: <, = or > comparing the version with each comparator's version
//!         (missing minor/patch read as 0), by semver precedence,
//!   PARTIAL: 1 if the comparator leaves out the minor or patch number.
use semver::{BuildMetadata, Version, VersionReq};
use std::cmp::Ordering;
use std::io::{self, BufRead, BufWriter, Write};

fn main() {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line.expect("stdin is UTF-8");
        let (v, r) = line.split_once('\t').expect("VERSION<TAB>REQUIREMENT");
        let req = VersionReq::parse(r);
        let ver = Version::parse(v);
        let (req, ver) = match (req, ver) {
            (Ok(req), Ok(ver)) => (req, ver),
            (req, ver) => {
                writeln!(out, "{} {} 0 0", req.is_ok() as u8, ver.is_ok() as u8).unwrap();
                continue;
            }
        };
        let matches = req.matches(&ver);
        let release = Version::new(ver.major, ver.minor, ver.patch);
        let release_matches = req.matches(&release);
        let mut bare = ver.clone();
        bare.build = BuildMetadata::EMPTY;
        write!(out, "1 1 {} {}", matches as u8, release_matches as u8).unwrap();
        for c in &req.comparators {
            let cv = Version {
                major: c.major,
                minor: c.minor.unwrap_or(0),
                patch: c.patch.unwrap_or(0),
                pre: c.pre.clone(),
                build: BuildMetadata::EMPTY,
            };
            let sign = match bare.cmp(&cv) {
                Ordering::Less => '<',
                Ordering::Equal => '=',
                Ordering::Greater => '>',
            };
            let partial = c.minor.is_none() || c.patch.is_none();
            write!(out, " | {}:{}:{}", cv, sign, partial as u8).unwrap();
        }
        writeln!(out).unwrap();
    }
}

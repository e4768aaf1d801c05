//! `cortex yuma run`: reads a scenario, runs it, prints the epochs' outputs.

use cortex_yuma::Scenario;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Bad input (the scenario itself is wrong): the caller should fix the file.
const EXIT_BAD_INPUT: u8 = 2;

/// Runs the scenario at `path`; errors are printed as one line on stderr.
pub fn run(path: &Path, pretty: bool) -> ExitCode {
    let shown = path.display();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {shown}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let scenario = match Scenario::from_json(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {shown}: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let expected = scenario.run();
    let json = if pretty {
        serde_json::to_string_pretty(&expected)
    } else {
        serde_json::to_string(&expected)
    };
    let written = json.map_err(anyhow::Error::from).and_then(|j| {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{j}")
            .and_then(|()| out.flush())
            .map_err(anyhow::Error::from)
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the result: {e}");
            ExitCode::FAILURE
        }
    }
}

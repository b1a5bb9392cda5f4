//! The built `xuefa` in a real pseudo-terminal, its screen kept by a VT100 parser.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A command running in a 32 × 110 pseudo-terminal.
pub struct Terminal {
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: mpsc::Receiver<Vec<u8>>,
    screen: vt100::Parser,
}

impl Terminal {
    /// Starts `xuefa ARGS` in `dir` with `env` (and TERM=xterm-256color, NO_COLOR=1).
    pub fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Terminal {
        use portable_pty::{CommandBuilder, PtySize, native_pty_system};

        let pair = native_pty_system()
            .openpty(PtySize { rows: 32, cols: 110, pixel_width: 0, pixel_height: 0 })
            .expect("pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_xuefa"));
        command.args(args);
        command.cwd(dir);
        command.env("TERM", "xterm-256color");
        command.env("NO_COLOR", "1");
        for (key, value) in env {
            command.env(key, value);
        }
        let child = pair.slave.spawn_command(command).expect("spawn in the pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let (sender, output) = mpsc::channel::<Vec<u8>>();
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 || sender.send(buffer[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Terminal { child, writer, output, screen: vt100::Parser::new(32, 110, 0) }
    }

    /// Returns the screen once it shows `needle`; fails the test after 20 seconds.
    pub fn wait(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            while let Ok(bytes) = self.output.try_recv() {
                self.screen.process(&bytes);
            }
            let contents = self.screen.screen().contents();
            if contents.contains(needle) {
                return contents;
            }
            assert!(Instant::now() < deadline, "`{needle}` never showed; screen:\n{contents}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types these bytes.
    pub fn press(&mut self, keys: &[u8]) {
        self.writer.write_all(keys).expect("type");
    }
}

//! `xuefa serve [--listen 127.0.0.1:8080] [--tls-cert F --tls-key F] [--trust-proxy IP]...`:
//! the exam in a browser for everyone on the office network, until Ctrl-C or SIGTERM.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use xuefa_app::sitting::Clock;

use crate::cli::GlobalArgs;
use crate::error::CommandError;
use crate::ui::Ui;
use crate::workspace;

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(long, value_name = "ADDRESS:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    #[arg(long = "trust-proxy", value_name = "IP")]
    pub trust_proxy: Vec<IpAddr>,
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub readers: usize,
}

pub fn cmd_serve(args: &ServeArgs, global: &GlobalArgs, ui: &Ui) -> Result<(), CommandError> {
    // Opening the store here applies its migrations and refuses a damaged file before the
    // server listens.
    let (workspace, store) = workspace::open(global.workspace.as_ref())?;
    drop(store);
    // Held while serving: `xuefa restore` refuses to replace the database under a server.
    let _serving = workspace::hold_for_serving(&workspace)?;
    let clock = std::sync::Arc::new(Clock::new(workspace::now()?));
    let config = xuefa_server::Config {
        listen: args.listen,
        tls: args.tls_cert.clone().zip(args.tls_key.clone()),
        trusted_proxies: args.trust_proxy.clone(),
        offset: workspace.config.offset(),
        readers: args.readers.clamp(1, 64),
        open: workspace::opener(&workspace)?,
        // Times are kept to the second, as every command keeps them.
        now: std::sync::Arc::new(move || {
            let now = clock.now();
            jiff::Timestamp::from_second(now.as_second()).unwrap_or(now)
        }),
        sweep_every: Duration::from_secs(10),
    };
    let scheme = if config.tls.is_some() { "https" } else { "http" };
    let loopback = args.listen.ip().is_loopback();
    let result = xuefa_server::run(config, |bound| {
        let address = format!("{scheme}://{bound}/");
        ui.note(&ui.text("serve.listening", &[("address", address)]));
        if loopback {
            ui.note(&ui.text("serve.loopback", &[]));
        } else if scheme == "http" {
            ui.warning(&ui.text("serve.no_tls", &[]));
        }
    });
    match result {
        Ok(()) => {
            ui.note(&ui.text("serve.stopped", &[]));
            Ok(())
        }
        Err(xuefa_server::ServeError::Store(error)) => Err(error.into()),
        Err(error) => Err(CommandError::message_of(
            "serve.failed",
            vec![("address", args.listen.to_string()), ("detail", error.to_string())],
        )),
    }
}

//! # xuefa-server
//!
//! `xuefa serve`: the annual exam in a browser on the office network. One process serves a
//! JSON API under `/api/v1` (documented as OpenAPI at `/api/v1/openapi.json`) and the pages
//! built on it (sign-in, my exams, the sitting, the result and review, practice and the
//! wrong-answer book). It authenticates, parses and renders; every rule and every figure is
//! `xuefa-app`'s, and every state that must outlive the process (sessions, failed sign-ins,
//! answers, deadlines, practice answers) is in the store.
//!
//! Threads: the async threads only move bytes. Every store call runs on a blocking thread:
//! reads on a small pool of connections, writes on one writer connection taken in turn
//! (SQLite has one writer at a time; queueing in the process is fairer and faster than
//! SQLite's sleeping busy handler). An answer is acknowledged after its commit returns, and
//! the store commits with `synchronous = FULL`. The slow part of signing in (the code's
//! Argon2id hash) runs outside the writer's turn.
//!
//! The server is generic over the store: it takes a function that opens a connection, so
//! it never names a backend.

mod api;
mod http;
mod pages;
mod practice;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::Offset;
use xuefa_app::online::AttemptShape;
use xuefa_app::{AppError, Backend};
use xuefa_core::Lang;
use xuefa_store::{ResponseSave, Saved};

/// Opens a connection to the workspace's store.
pub type Opener<S> = Arc<dyn Fn() -> Result<S, AppError> + Send + Sync>;

/// The time now (the clock, or a test's clock).
pub type Now = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// How `xuefa serve` runs.
#[allow(missing_debug_implementations)] // holds closures
pub struct Config<S> {
    /// Where to listen.
    pub listen: SocketAddr,
    /// A certificate chain and its private key (PEM files) to serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed; the peer's own
    /// address is used for everyone else.
    pub trusted_proxies: Vec<IpAddr>,
    /// The office's UTC offset, for the times in responses.
    pub offset: Offset,
    /// Connections for reading.
    pub readers: usize,
    /// Opens a connection to the store.
    pub open: Opener<S>,
    /// The time now.
    pub now: Now,
    /// How often attempts whose time ran out are submitted.
    pub sweep_every: Duration,
}

/// What every request can reach.
pub(crate) struct Shared<S> {
    readers: Mutex<Vec<S>>,
    reader_permits: Arc<tokio::sync::Semaphore>,
    writer: Arc<tokio::sync::Mutex<Option<S>>>,
    /// Turns at the CPU-bound work (checking a code's hash), one per core.
    pub(crate) cpu_permits: Arc<tokio::sync::Semaphore>,
    open: Opener<S>,
    pub(crate) now: Now,
    pub(crate) offset: Offset,
    pub(crate) trusted_proxies: Vec<IpAddr>,
    pub(crate) secure: bool,
    /// Answers waiting to be written together.
    pub(crate) saves: tokio::sync::mpsc::UnboundedSender<SaveJob>,
    /// What never changes about the attempts being sat, by id.
    shapes: Mutex<HashMap<i64, Arc<AttemptShape>>>,
}

/// The most attempt shapes kept (a few hundred bytes each); past it the memory is emptied.
const MAX_SHAPES: usize = 200_000;

impl<S> Shared<S> {
    /// Returns the kept shape of an attempt.
    pub(crate) fn shape(&self, attempt: i64) -> Option<Arc<AttemptShape>> {
        self.shapes.lock().ok().and_then(|shapes| shapes.get(&attempt).cloned())
    }

    /// Keeps an attempt's shape and returns it.
    pub(crate) fn keep_shape(&self, attempt: i64, shape: AttemptShape) -> Arc<AttemptShape> {
        let shape = Arc::new(shape);
        if let Ok(mut shapes) = self.shapes.lock() {
            if shapes.len() >= MAX_SHAPES {
                shapes.clear();
            }
            shapes.insert(attempt, Arc::clone(&shape));
        }
        shape
    }
}

/// An answer to write, and where to say what became of it.
pub(crate) type SaveJob = (ResponseSave, tokio::sync::oneshot::Sender<Result<Saved, String>>);

/// The most answers written in one commit.
const MAX_BATCH: usize = 512;

/// Writes answers as they come, every answer that arrived while the previous commit was
/// flushed in the next one (group commit): one flush to disk for many people's answers,
/// each acknowledged only after the flush.
async fn write_saves<S: Backend + Send + 'static>(
    shared: Arc<Shared<S>>,
    mut jobs: tokio::sync::mpsc::UnboundedReceiver<SaveJob>,
) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let saves: Vec<ResponseSave> = batch.iter().map(|(save, _)| *save).collect();
        let written = shared.write(move |store| store.save_open_responses(&saves)).await;
        match written {
            Ok(Ok(saved)) => {
                for ((_, reply), saved) in batch.into_iter().zip(saved) {
                    let _ = reply.send(Ok(saved));
                }
            }
            Ok(Err(error)) => {
                for (_, reply) in batch {
                    let _ = reply.send(Err(error.to_string()));
                }
            }
            Err(Blocked::Failed(detail)) => {
                for (_, reply) in batch {
                    let _ = reply.send(Err(detail.clone()));
                }
            }
        }
    }
}

/// Why a store call could not run.
#[derive(Debug)]
pub(crate) enum Blocked {
    /// The store could not be opened or the call panicked.
    Failed(String),
}

impl<S: Backend + Send + 'static> Shared<S> {
    /// Runs `work` with a reading connection on a blocking thread.
    pub(crate) async fn read<R: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut S) -> R + Send + 'static,
    ) -> Result<R, Blocked> {
        let permit = Arc::clone(&self.reader_permits)
            .acquire_owned()
            .await
            .map_err(|e| Blocked::Failed(e.to_string()))?;
        let shared = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let taken = shared.readers.lock().map_err(|e| Blocked::Failed(e.to_string()))?.pop();
            let mut store = match taken {
                Some(store) => store,
                None => (shared.open)().map_err(|e| Blocked::Failed(e.message(Lang::En)))?,
            };
            let result = work(&mut store);
            if let Ok(mut readers) = shared.readers.lock() {
                readers.push(store);
            }
            Ok(result)
        })
        .await
        .map_err(|e| Blocked::Failed(e.to_string()))?
    }

    /// Runs `work` with the writing connection, in turn, on a blocking thread.
    pub(crate) async fn write<R: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&mut S) -> R + Send + 'static,
    ) -> Result<R, Blocked> {
        let mut guard = Arc::clone(&self.writer).lock_owned().await;
        let open = Arc::clone(&self.open);
        tokio::task::spawn_blocking(move || {
            if guard.is_none() {
                *guard = Some(open().map_err(|e| Blocked::Failed(e.message(Lang::En)))?);
            }
            match guard.as_mut() {
                Some(store) => Ok(work(store)),
                None => Err(Blocked::Failed("no store".into())),
            }
        })
        .await
        .map_err(|e| Blocked::Failed(e.to_string()))?
    }
}

/// Why the server stopped or could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum ServeError {
    /// The store could not be opened.
    Store(AppError),
    /// The address could not be listened on, or the certificate not read.
    Io(std::io::Error),
}

impl std::fmt::Display for ServeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServeError::Store(error) => write!(f, "{}", error.message(Lang::En)),
            ServeError::Io(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// Serves until `stop` completes (Ctrl-C or SIGTERM in `xuefa serve`), then finishes the
/// requests in flight (answers being saved are written) and returns. `ready` is called
/// with the bound address once the server listens.
///
/// # Errors
/// Returns a store that cannot be opened, an address that cannot be bound, or a
/// certificate that cannot be read.
pub async fn serve<S: Backend + Send + 'static>(
    config: Config<S>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    // Open the writer first: a store that cannot be opened stops the server at once. On a
    // blocking thread, as every store call: a database driver may block.
    let open = Arc::clone(&config.open);
    let writer = tokio::task::spawn_blocking(move || open())
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))?
        .map_err(ServeError::Store)?;
    let readers = config.readers.max(1);
    let (saves, jobs) = tokio::sync::mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        readers: Mutex::new(Vec::new()),
        reader_permits: Arc::new(tokio::sync::Semaphore::new(readers)),
        writer: Arc::new(tokio::sync::Mutex::new(Some(writer))),
        cpu_permits: Arc::new(tokio::sync::Semaphore::new(
            std::thread::available_parallelism().map_or(2, usize::from),
        )),
        open: Arc::clone(&config.open),
        now: Arc::clone(&config.now),
        offset: config.offset,
        trusted_proxies: config.trusted_proxies.clone(),
        secure: config.tls.is_some(),
        saves,
        shapes: Mutex::new(HashMap::new()),
    });
    let saver = tokio::spawn(write_saves(Arc::clone(&shared), jobs));
    let app = http::router(Arc::clone(&shared));

    let sweeper = {
        let shared = Arc::clone(&shared);
        let every = config.sweep_every;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let now = (shared.now)();
                let _ = shared.write(move |store| xuefa_app::online::submit_all_expired(store, now)).await;
            }
        })
    };

    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(30)));
    });
    let listener = std::net::TcpListener::bind(config.listen).map_err(ServeError::Io)?;
    listener.set_nonblocking(true).map_err(ServeError::Io)?;
    let bound = listener.local_addr().map_err(ServeError::Io)?;
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let served = match &config.tls {
        Some((cert, key)) => {
            let _ = rustls::crypto::ring::default_provider().install_default();
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(ServeError::Io)?;
            ready(bound);
            axum_server::from_tcp_rustls(listener, tls)
                .map_err(ServeError::Io)?
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            ready(bound);
            axum_server::from_tcp(listener).map_err(ServeError::Io)?.handle(handle).serve(service).await
        }
    };
    sweeper.abort();
    saver.abort();
    // Every request has finished; wait for a write still on its blocking thread.
    drop(shared.writer.lock().await);
    served.map_err(ServeError::Io)
}

/// Serves on a runtime of its own until Ctrl-C or SIGTERM, then stops gracefully (see
/// [`serve`]). For front ends that are not async themselves, such as the `xuefa` command.
///
/// # Errors
/// As [`serve`], or a runtime that cannot start.
pub fn run<S: Backend + Send + 'static>(
    config: Config<S>,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServeError::Io)?;
    runtime.block_on(serve(config, stop_signal(), ready))
}

/// Completes at Ctrl-C (SIGINT) or SIGTERM.
pub async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

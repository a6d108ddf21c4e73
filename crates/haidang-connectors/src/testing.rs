//! A private Mosquitto broker for tests and benchmarks: started on a free loopback port
//! with a configuration of its own, and stopped when dropped.

use std::fs;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `mosquitto -c FILE` bound to 127.0.0.1.
pub struct Broker {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

/// Returns a port that was free on 127.0.0.1 a moment ago.
pub fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn mosquitto_binary() -> PathBuf {
    for candidate in ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"] {
        if Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    PathBuf::from("mosquitto")
}

impl Broker {
    /// Starts a broker that queues without limit for persistent sessions and lets each
    /// client have `max_inflight` unacknowledged QoS 1 messages (0 for no limit).
    pub fn start(max_inflight: u32) -> io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("haidang-mosquitto-{}-{}", std::process::id(), free_port()?));
        fs::create_dir_all(&dir)?;
        let port = free_port()?;
        let config = dir.join("mosquitto.conf");
        fs::write(
            &config,
            format!(
                "listener {port} 127.0.0.1\n\
                 allow_anonymous true\n\
                 persistence false\n\
                 max_queued_messages 0\n\
                 max_queued_bytes 0\n\
                 max_inflight_messages {max_inflight}\n\
                 log_dest stderr\n\
                 log_type error\n\
                 log_type warning\n"
            ),
        )?;
        let log = fs::File::create(dir.join("mosquitto.log"))?;
        let child = Command::new(mosquitto_binary())
            .arg("-c")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("could not start mosquitto: {e}; install it (apt-get install mosquitto)"),
                )
            })?;
        let mut broker = Self {
            child: Some(child),
            port,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(child) = broker.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                let log = fs::read_to_string(broker.dir.join("mosquitto.log")).unwrap_or_default();
                return Err(io::Error::other(format!("mosquitto exited with {status}: {log}")));
            }
            if Instant::now() > deadline {
                broker.stop();
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "mosquitto did not start listening",
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(broker)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the broker.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

//! A shutdown signal shared by the connectors of a process.

use std::time::Duration;

use tokio::sync::watch;

/// Asks the connectors holding the matching [`Shutdown`] to stop. Dropping it asks too.
#[derive(Debug)]
pub struct ShutdownTrigger(watch::Sender<bool>);

/// Tells a run loop when to stop. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Shutdown(watch::Receiver<bool>);

/// Returns a trigger and the signal it controls.
pub fn shutdown_pair() -> (ShutdownTrigger, Shutdown) {
    let (sender, receiver) = watch::channel(false);
    (ShutdownTrigger(sender), Shutdown(receiver))
}

impl ShutdownTrigger {
    pub fn trigger(&self) {
        self.0.send_replace(true);
    }
}

impl Shutdown {
    /// Whether shutdown was asked for (or the trigger dropped).
    pub fn is_requested(&self) -> bool {
        *self.0.borrow() || self.0.has_changed().is_err()
    }

    /// Resolves once shutdown is asked for.
    pub async fn requested(&self) {
        let mut receiver = self.0.clone();
        // An error means the trigger was dropped, which also means stop.
        let _ = receiver.wait_for(|stop| *stop).await;
    }

    /// Sleeps for `duration`; returns `true` when shutdown was asked for before it ended.
    pub async fn sleep(&self, duration: Duration) -> bool {
        tokio::select! {
            () = self.requested() => true,
            () = tokio::time::sleep(duration) => self.is_requested(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn trigger_and_drop_both_stop() {
        let (trigger, shutdown) = shutdown_pair();
        assert!(!shutdown.is_requested());
        assert!(!shutdown.sleep(Duration::from_millis(5)).await);
        trigger.trigger();
        assert!(shutdown.is_requested());
        shutdown.requested().await;

        let (trigger, shutdown) = shutdown_pair();
        drop(trigger);
        assert!(shutdown.is_requested());
        assert!(shutdown.sleep(Duration::from_secs(60)).await);
    }
}

//! E-mail over SMTP (lettre, async, pooled): builds the multipart message and sorts failures into retry or give up.

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{DeliveryError, OutgoingEmail, Receipt};
use crate::config::{EmailSettings, EmailTransportKind, SmtpTls};

/// Sends mail through one SMTP server; share it (`Arc`) between worker tasks.
pub struct Mailer {
    builder: AsyncSmtpTransportBuilder,
    /// Replaced by a fresh pool after a timeout, see [`Mailer::send`].
    transport: Mutex<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// For the whole exchange of one message.
    deadline: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The builder's Debug would print the credentials.
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The configured mailer, or `None` when `transport = "none"` (mail then
    /// stays in the outbox viewer). Must be called inside a Tokio runtime: the
    /// connection pool starts its idle-connection sweeper there.
    pub fn from_settings(s: &EmailSettings) -> Result<Option<Mailer>, String> {
        if s.transport == EmailTransportKind::None {
            return Ok(None);
        }
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| format!("email.from {:?} is not a valid address: {e}", s.from))?;
        let host = s.smtp_host.trim();
        if host.is_empty() {
            return Err("email.smtp_host is empty".into());
        }
        let builder = match s.smtp_tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|e| format!("email.smtp_host {host:?}: {e}"))?,
            SmtpTls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|e| format!("email.smtp_host {host:?}: {e}"))?,
            SmtpTls::None => {
                if !is_loopback(host) {
                    tracing::warn!(
                        host,
                        "email.smtp_tls = \"none\" towards a host that is not loopback: mail and any password travel in clear text"
                    );
                }
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            }
        };
        let deadline = Duration::from_secs(s.timeout_s.max(1));
        let mut builder = builder.port(s.smtp_port).timeout(Some(deadline));
        if !s.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                s.smtp_username.clone(),
                s.smtp_password.clone(),
            ));
        }
        Ok(Some(Mailer {
            transport: Mutex::new(builder.clone().build()),
            builder,
            from,
            deadline,
        }))
    }

    /// Sends one mail. The Message-ID is derived from the idempotency key, so a
    /// retry after a lost reply carries the same id and receivers can drop the
    /// duplicate; the receipt's `provider_id` is that Message-ID.
    pub async fn send(&self, mail: &OutgoingEmail) -> Result<Receipt, DeliveryError> {
        let to: Mailbox = mail
            .to
            .trim()
            .parse()
            .map_err(|e| DeliveryError::Permanent {
                reason: format!("invalid recipient address {:?}: {e}", mail.to),
            })?;
        let message_id = message_id(&mail.idempotency_key);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            // A line break in a header would end it early.
            .subject(mail.subject.replace(['\r', '\n'], " "))
            .message_id(Some(message_id.clone()))
            .multipart(MultiPart::alternative_plain_html(
                mail.text.clone(),
                mail.html.clone(),
            ))
            .map_err(|e| DeliveryError::Permanent {
                reason: format!("cannot build the message: {e}"),
            })?;
        // lettre bounds only the TCP connect; a server that stops answering
        // would hold the send forever, so the whole exchange gets a deadline.
        let transport = self.transport.lock().expect("mailer lock").clone();
        match tokio::time::timeout(self.deadline, transport.send(message)).await {
            Ok(Ok(response)) => {
                tracing::debug!(
                    message_id,
                    code = %response.code(),
                    reply = response.message().collect::<Vec<_>>().join(" "),
                    "SMTP server accepted the message"
                );
                Ok(Receipt {
                    provider_id: Some(message_id),
                })
            }
            Ok(Err(e)) => Err(classify(&e)),
            Err(_) => {
                // The abandoned connection goes back to its pool mid-conversation
                // and would be handed out again; start a fresh pool instead.
                *self.transport.lock().expect("mailer lock") = self.builder.clone().build();
                Err(DeliveryError::Retry {
                    reason: format!(
                        "SMTP timeout: no answer within {} s",
                        self.deadline.as_secs()
                    ),
                    after: None,
                })
            }
        }
    }
}

/// 5xx replies are final (unknown mailbox, relaying denied, bad credentials);
/// 4xx replies, network trouble, timeouts and TLS hiccups may pass.
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    if e.is_permanent() {
        DeliveryError::Permanent {
            reason: format!("SMTP server refused: {e}"),
        }
    } else {
        let what = if e.is_transient() {
            "SMTP server deferred"
        } else if e.is_timeout() {
            "SMTP timeout"
        } else {
            "SMTP connection failed"
        };
        DeliveryError::Retry {
            reason: format!("{what}: {e}"),
            after: None,
        }
    }
}

/// `<key@rescuedesk>`. Characters a msg-id may not hold (RFC 5322 dot-atom)
/// become `_`, so any key gives a valid, still stable id.
fn message_id(key: &str) -> String {
    const SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";
    let atom = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || SPECIALS.contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let left: Vec<String> = key.split('.').filter(|p| !p.is_empty()).map(atom).collect();
    let left = if left.is_empty() {
        "_".to_owned()
    } else {
        left.join(".")
    };
    format!("<{left}@rescuedesk>")
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    //! Against a real SMTP server: scripts/smtp-test-server.py (aiosmtpd) on a
    //! free loopback port, writing what it accepts to a Maildir.

    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::path::{Path, PathBuf};
    use std::process::{Child, ChildStdin, Command, Stdio};
    use std::sync::mpsc;

    const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/smtp-test-server.py");
    /// The script's exit code when aiosmtpd is not importable.
    const NO_AIOSMTPD: i32 = 3;

    fn python() -> String {
        std::env::var("RESCUEDESK_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
    }

    /// Without aiosmtpd: fail in CI, skip loudly on a developer's machine
    /// (as tests/api/helpers.rs does with PostgreSQL).
    fn unavailable(why: &str) -> Option<SmtpServer> {
        let ci = std::env::var("CI").unwrap_or_default();
        assert!(
            ci.is_empty(),
            "{why}: the e-mail tests need a real SMTP server. Run scripts/test.sh, which installs \
             Python's aiosmtpd (or: python3 -m pip install aiosmtpd / apt-get install python3-aiosmtpd)."
        );
        // Straight to stderr: the test harness swallows eprintln! of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "!!! {why}: SMTP e-mail test SKIPPED (run scripts/test.sh, which installs aiosmtpd)"
        );
        None
    }

    /// A running scripts/smtp-test-server.py; killed on drop (and it exits by
    /// itself when its stdin closes, should this process die first).
    struct SmtpServer {
        child: Child,
        _stdin: ChildStdin,
        port: u16,
        maildir: tempfile::TempDir,
    }

    impl Drop for SmtpServer {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    impl SmtpServer {
        fn start(args: &[&str]) -> Option<SmtpServer> {
            let maildir = tempfile::tempdir().expect("temp dir for the Maildir");
            let spawned = Command::new(python())
                .arg(SCRIPT)
                .arg("serve")
                .arg(maildir.path())
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn();
            let mut child = match spawned {
                Ok(child) => child,
                Err(e) => return unavailable(&format!("cannot run {}: {e}", python())),
            };
            let stdin = child.stdin.take().expect("piped stdin");
            let stdout = child.stdout.take().expect("piped stdout");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            let line = rx.recv_timeout(Duration::from_secs(20)).unwrap_or_default();
            if let Some(port) = line.trim().strip_prefix("READY ") {
                let port = port.parse().expect("port after READY");
                return Some(SmtpServer {
                    child,
                    _stdin: stdin,
                    port,
                    maildir,
                });
            }
            let _ = child.kill();
            let status = child.wait().expect("wait for the SMTP test server");
            if status.code() == Some(NO_AIOSMTPD) {
                return unavailable("Python module aiosmtpd is not installed");
            }
            panic!("SMTP test server did not start ({status}), first line {line:?}");
        }

        fn settings(&self) -> EmailSettings {
            EmailSettings {
                transport: EmailTransportKind::Smtp,
                smtp_host: "127.0.0.1".into(),
                smtp_port: self.port,
                smtp_tls: SmtpTls::None,
                smtp_username: String::new(),
                smtp_password: String::new(),
                from: "RescueDesk 紧急救援 <rescue@rescuedesk.example.cn>".into(),
                timeout_s: 10,
            }
        }

        /// Every message in the Maildir, decoded by Python's own e-mail parser.
        fn messages(&self) -> Vec<serde_json::Value> {
            dump(self.maildir.path())
        }
    }

    fn dump(maildir: &Path) -> Vec<serde_json::Value> {
        let out = Command::new(python())
            .arg(SCRIPT)
            .arg("dump")
            .arg(maildir)
            .output()
            .expect("run smtp-test-server.py dump");
        assert!(
            out.status.success(),
            "dump failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("dump prints JSON")
    }

    fn mailer(settings: &EmailSettings) -> Mailer {
        Mailer::from_settings(settings)
            .expect("valid settings")
            .expect("smtp transport")
    }

    fn mail(to: &str, key: &str) -> OutgoingEmail {
        OutgoingEmail {
            to: to.into(),
            subject: "派工通知：救援单 HZ01-20261123-0007，杭州市西湖区文三路478号".into(),
            text: "您好：\n\n您已被派往以下紧急救援任务。\n客户：王建国\n".into(),
            html: "<!DOCTYPE html>\n<html lang=\"zh-CN\"><body><p>您好：</p><p>客户：王建国</p></body></html>\n".into(),
            idempotency_key: key.into(),
        }
    }

    fn new_files(maildir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    #[tokio::test]
    async fn delivers_a_chinese_multipart_mail_to_a_real_smtp_server() {
        let Some(server) = SmtpServer::start(&[]) else {
            return;
        };
        let m = mailer(&server.settings());
        let key = "0193a1c2-7d4e-7b21-9f3a-5c8e2d1b4a67";
        let receipt = m
            .send(&mail("李明 <liming@dealer.example.cn>", key))
            .await
            .expect("accepted");
        assert_eq!(
            receipt.provider_id.as_deref(),
            Some(&*format!("<{key}@rescuedesk>"))
        );

        // The raw file: headers are 7-bit, the Chinese subject and sender name RFC 2047-encoded.
        let files = new_files(server.maildir.path());
        assert_eq!(files.len(), 1, "one message in the Maildir");
        let raw = std::fs::read(&files[0]).unwrap();
        let head_end = raw
            .windows(2)
            .position(|w| w == b"\n\n")
            .unwrap_or(raw.len());
        let head = std::str::from_utf8(&raw[..head_end]).expect("headers are ASCII");
        assert!(head.is_ascii(), "{head}");
        assert!(head.contains("Subject: =?utf-8?"), "{head}");
        assert!(
            head.contains(&format!("Message-ID: <{key}@rescuedesk>")),
            "{head}"
        );
        assert!(head.contains("multipart/alternative"), "{head}");

        let got = server.messages();
        assert_eq!(got.len(), 1);
        let msg = &got[0];
        assert_eq!(msg["rcpt_to"], "liming@dealer.example.cn");
        assert_eq!(msg["mail_from"], "rescue@rescuedesk.example.cn");
        assert_eq!(msg["to"], "李明 <liming@dealer.example.cn>");
        assert_eq!(
            msg["from"],
            "RescueDesk 紧急救援 <rescue@rescuedesk.example.cn>"
        );
        assert_eq!(
            msg["subject"],
            "派工通知：救援单 HZ01-20261123-0007，杭州市西湖区文三路478号"
        );
        assert_eq!(msg["message_id"], format!("<{key}@rescuedesk>"));
        assert_eq!(msg["content_type"], "multipart/alternative");
        assert!(msg["date"].as_str().is_some_and(|d| !d.is_empty()));
        let parts = msg["parts"].as_array().expect("parts");
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0]["content_type"], "text/plain");
        assert_eq!(parts[0]["charset"], "utf-8");
        // Lines travel as CRLF, as SMTP wants them.
        let text = parts[0]["content"].as_str().unwrap().replace("\r\n", "\n");
        assert_eq!(
            text,
            "您好：\n\n您已被派往以下紧急救援任务。\n客户：王建国\n"
        );
        assert_eq!(parts[1]["content_type"], "text/html");
        assert_eq!(parts[1]["charset"], "utf-8");
        assert!(parts[1]["content"]
            .as_str()
            .unwrap()
            .contains("<p>客户：王建国</p>"));

        // The same outbox row sent again keeps its Message-ID.
        m.send(&mail("liming@dealer.example.cn", key))
            .await
            .expect("accepted");
        let got = server.messages();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0]["message_id"], got[1]["message_id"]);
    }

    #[tokio::test]
    async fn a_rejected_recipient_is_permanent_and_a_deferred_one_is_retried() {
        let Some(server) = SmtpServer::start(&[
            "--reject",
            "nobody@dealer.example.cn",
            "--defer",
            "busy@dealer.example.cn",
        ]) else {
            return;
        };
        let m = mailer(&server.settings());
        match m.send(&mail("nobody@dealer.example.cn", "k-550")).await {
            Err(DeliveryError::Permanent { reason }) => assert!(reason.contains("550"), "{reason}"),
            other => panic!("550 must be permanent, got {other:?}"),
        }
        match m.send(&mail("busy@dealer.example.cn", "k-451")).await {
            Err(DeliveryError::Retry { reason, after }) => {
                assert!(reason.contains("451"), "{reason}");
                assert_eq!(after, None);
            }
            other => panic!("451 must be retried, got {other:?}"),
        }
        // The pooled connection is still good after the refusals.
        m.send(&mail("liming@dealer.example.cn", "k-ok"))
            .await
            .expect("accepted");
        let got = server.messages();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["rcpt_to"], "liming@dealer.example.cn");
    }

    #[tokio::test]
    async fn a_server_that_stops_answering_times_out_and_the_next_mail_still_goes() {
        let Some(server) = SmtpServer::start(&["--stall", "slow@dealer.example.cn"]) else {
            return;
        };
        let mut settings = server.settings();
        settings.timeout_s = 1;
        let m = mailer(&settings);
        let started = std::time::Instant::now();
        match m.send(&mail("slow@dealer.example.cn", "k-stall")).await {
            Err(DeliveryError::Retry { reason, .. }) => {
                assert!(reason.contains("timeout"), "{reason}")
            }
            other => panic!("a stalled server must be retried, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        // The stalled connection must not be handed out again.
        m.send(&mail("liming@dealer.example.cn", "k-next"))
            .await
            .expect("accepted on a fresh connection");
        assert_eq!(server.messages().len(), 1);
    }

    #[tokio::test]
    async fn signs_in_when_a_username_is_set_and_bad_credentials_are_permanent() {
        let Some(server) = SmtpServer::start(&["--auth", "rescue:s3cret-密码"]) else {
            return;
        };
        let mut settings = server.settings();
        // Without credentials the server refuses MAIL FROM (530).
        match mailer(&settings)
            .send(&mail("liming@dealer.example.cn", "k-noauth"))
            .await
        {
            Err(DeliveryError::Permanent { reason }) => assert!(reason.contains("530"), "{reason}"),
            other => panic!("unauthenticated send must be refused, got {other:?}"),
        }
        settings.smtp_username = "rescue".into();
        settings.smtp_password = "wrong".into();
        match mailer(&settings)
            .send(&mail("liming@dealer.example.cn", "k-bad"))
            .await
        {
            Err(DeliveryError::Permanent { reason }) => assert!(reason.contains("535"), "{reason}"),
            other => panic!("bad credentials must be permanent, got {other:?}"),
        }
        settings.smtp_password = "s3cret-密码".into();
        mailer(&settings)
            .send(&mail("liming@dealer.example.cn", "k-auth"))
            .await
            .expect("accepted after AUTH");
        let got = server.messages();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["auth_login"], "rescue");
    }

    #[tokio::test]
    async fn nothing_listening_is_retried() {
        // A port that was free a moment ago: connection refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let settings = EmailSettings {
            transport: EmailTransportKind::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: port,
            smtp_tls: SmtpTls::None,
            smtp_username: String::new(),
            smtp_password: String::new(),
            from: "rescue@rescuedesk.example.cn".into(),
            timeout_s: 2,
        };
        match mailer(&settings)
            .send(&mail("liming@dealer.example.cn", "k"))
            .await
        {
            Err(DeliveryError::Retry { reason, .. }) => {
                assert!(reason.contains("refused"), "{reason}")
            }
            other => panic!("connection refused must be retried, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_silent_server_times_out_and_is_retried() {
        // Accepts the TCP connection but never greets.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let _hold = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                open.push(sock);
            }
        });
        let settings = EmailSettings {
            transport: EmailTransportKind::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: port,
            smtp_tls: SmtpTls::None,
            smtp_username: String::new(),
            smtp_password: String::new(),
            from: "rescue@rescuedesk.example.cn".into(),
            timeout_s: 1,
        };
        let started = std::time::Instant::now();
        match mailer(&settings)
            .send(&mail("liming@dealer.example.cn", "k"))
            .await
        {
            Err(DeliveryError::Retry { .. }) => {}
            other => panic!("a timeout must be retried, got {other:?}"),
        }
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn a_malformed_recipient_is_permanent_without_connecting() {
        let settings = EmailSettings {
            transport: EmailTransportKind::Smtp,
            smtp_host: "127.0.0.1".into(),
            smtp_port: 9, // nothing is contacted
            smtp_tls: SmtpTls::None,
            smtp_username: String::new(),
            smtp_password: String::new(),
            from: "rescue@rescuedesk.example.cn".into(),
            timeout_s: 1,
        };
        let m = mailer(&settings);
        for bad in ["", "liming", "liming@", "li ming@dealer.example.cn", "<x@y"] {
            match m.send(&mail(bad, "k")).await {
                Err(DeliveryError::Permanent { reason }) => {
                    assert!(reason.contains("invalid recipient"), "{reason}")
                }
                other => panic!("{bad:?} must be permanent, got {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn settings_decide_the_transport() {
        let mut s = EmailSettings {
            transport: EmailTransportKind::None,
            smtp_host: "smtp.example.cn".into(),
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: "rescue".into(),
            smtp_password: "pw".into(),
            from: "RescueDesk 紧急救援 <rescue@rescuedesk.example.cn>".into(),
            timeout_s: 15,
        };
        assert!(Mailer::from_settings(&s).unwrap().is_none());
        s.transport = EmailTransportKind::Smtp;
        for tls in [SmtpTls::Starttls, SmtpTls::Implicit, SmtpTls::None] {
            s.smtp_tls = tls;
            let m = Mailer::from_settings(&s).unwrap().expect("mailer");
            assert!(!format!("{m:?}").contains("pw"));
        }
        s.from = "not an address".into();
        assert!(Mailer::from_settings(&s)
            .unwrap_err()
            .contains("email.from"));
        s.from = "rescue@rescuedesk.example.cn".into();
        s.smtp_host = " ".into();
        assert!(Mailer::from_settings(&s).unwrap_err().contains("smtp_host"));
    }

    #[test]
    fn message_ids_are_valid_and_stable() {
        assert_eq!(
            message_id("0193a1c2-7d4e-7b21-9f3a-5c8e2d1b4a67"),
            "<0193a1c2-7d4e-7b21-9f3a-5c8e2d1b4a67@rescuedesk>"
        );
        assert_eq!(message_id("outbox:42 <x>"), "<outbox_42__x_@rescuedesk>");
        assert_eq!(message_id(".a..b."), "<a.b@rescuedesk>");
        assert_eq!(message_id(""), "<_@rescuedesk>");
        assert!(is_loopback("localhost") && is_loopback("127.0.0.1") && is_loopback("[::1]"));
        assert!(!is_loopback("smtp.example.cn"));
    }
}

//! A blocking HTTP client for the Prometheus API (Prometheus, Thanos, Mimir): bearer or
//! basic credentials from the environment or a file (never a flag), extra headers for
//! tenants, a custom CA, timeouts, and bounded retries with backoff. Requests go to the
//! given URL only; no proxy is read from the environment.

use super::response::{self, Series};
use super::PromError;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Environment variables credentials are read from.
pub const ENV_TOKEN: &str = "SKINFLINT_PROMETHEUS_TOKEN";
pub const ENV_USER: &str = "SKINFLINT_PROMETHEUS_USER";
pub const ENV_PASSWORD: &str = "SKINFLINT_PROMETHEUS_PASSWORD";

/// The largest response body read (a batch's statistics are far smaller).
const MAX_BODY: u64 = 1 << 30;

/// A credential: never printed (its `Debug` hides it).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer(Secret),
    Basic { user: String, password: Secret },
}

impl Auth {
    /// Credentials from a token file, else `SKINFLINT_PROMETHEUS_TOKEN`; or basic auth
    /// from `SKINFLINT_PROMETHEUS_USER` with a password file, else
    /// `SKINFLINT_PROMETHEUS_PASSWORD`. `env` reads a variable (the process environment
    /// in use, a map in tests).
    pub fn resolve(
        env: impl Fn(&str) -> Option<String>,
        token_file: Option<&Path>,
        password_file: Option<&Path>,
    ) -> Result<Auth, PromError> {
        let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let token = match token_file {
            Some(p) => Some(read_secret(p, "--prometheus-token-file")?),
            None => env(ENV_TOKEN).map(|t| t.trim().to_string()),
        };
        let user = env(ENV_USER);
        let password = match password_file {
            Some(p) => Some(read_secret(p, "--prometheus-password-file")?),
            None => env(ENV_PASSWORD),
        };
        match (token, user, password) {
            (Some(_), Some(_), _) => Err(PromError::Setup(format!(
                "both a bearer token and {ENV_USER} are set: give one kind of credentials"
            ))),
            (Some(t), None, _) => Ok(Auth::Bearer(Secret(t))),
            (None, Some(user), Some(p)) => Ok(Auth::Basic {
                user,
                password: Secret(p),
            }),
            (None, Some(_), None) => Err(PromError::Setup(format!(
                "{ENV_USER} is set but no password: set {ENV_PASSWORD} or give --prometheus-password-file"
            ))),
            (None, None, Some(_)) if password_file.is_some() => Err(PromError::Setup(format!(
                "--prometheus-password-file needs the user name in {ENV_USER}"
            ))),
            (None, None, _) => Ok(Auth::None),
        }
    }

    /// The `Authorization` header value.
    pub fn header(&self) -> Option<String> {
        use base64::Engine;
        match self {
            Auth::None => None,
            Auth::Bearer(t) => Some(format!("Bearer {}", t.0)),
            Auth::Basic { user, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.0))
            )),
        }
    }
}

/// A secret file's first line, trimmed; its content is never shown.
fn read_secret(path: &Path, flag: &str) -> Result<String, PromError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| PromError::Setup(format!("{flag} {}: {e}", path.display())))?;
    let line = text.lines().next().unwrap_or("").trim().to_string();
    if line.is_empty() {
        return Err(PromError::Setup(format!(
            "{flag} {}: the file is empty",
            path.display()
        )));
    }
    Ok(line)
}

/// `Name: value` from `--prometheus-header`. Credentials are refused here: a flag's
/// value shows in process lists and shell history.
pub fn parse_header(text: &str) -> Result<(String, String), PromError> {
    let (name, value) = text.split_once(':').ok_or_else(|| {
        PromError::Setup(format!(
            "--prometheus-header `{text}`: expected `Name: value`"
        ))
    })?;
    let name = name.trim();
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(token) {
        return Err(PromError::Setup(format!(
            "--prometheus-header: `{name}` is not a header name"
        )));
    }
    if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        return Err(PromError::Setup(format!(
            "--prometheus-header: credentials are not taken from flags; set {ENV_TOKEN} (or --prometheus-token-file), or {ENV_USER} and {ENV_PASSWORD}"
        )));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// The server's base URL: http or https, no credentials in it, no trailing slash.
pub fn base_url(url: &str) -> Result<String, PromError> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            PromError::Setup(format!(
                "--prometheus {url}: expected an http:// or https:// URL"
            ))
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(PromError::Setup(format!(
            "--prometheus: credentials in the URL are not accepted; set {ENV_TOKEN}, or {ENV_USER} and {ENV_PASSWORD}"
        )));
    }
    if authority.is_empty() {
        return Err(PromError::Setup(format!("--prometheus {url}: no host")));
    }
    if rest.contains(['?', '#']) {
        return Err(PromError::Setup(format!(
            "--prometheus {url}: give the server's base URL, without a query"
        )));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// How to reach the server.
#[derive(Debug, Clone)]
pub struct Options {
    pub url: String,
    pub auth: Auth,
    pub headers: Vec<(String, String)>,
    pub ca: Option<PathBuf>,
    pub timeout: Duration,
    /// Further tries after a failed one (connection errors, 429, 5xx).
    pub retries: u32,
}

/// Requests sent and bytes received, for `--prometheus-stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Queries answered.
    pub queries: u64,
    pub bytes: u64,
}

pub struct Client {
    agent: ureq::Agent,
    base: String,
    authorization: Option<String>,
    headers: Vec<(String, String)>,
    retries: u32,
    /// The first pause between tries (doubled each time, at most 8 s).
    backoff: Duration,
    pub stats: Stats,
}

impl Client {
    pub fn new(o: &Options) -> Result<Client, PromError> {
        let base = base_url(&o.url)?;
        let tls = tls_config(o.ca.as_deref())?;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(o.timeout.min(Duration::from_secs(10)))
            .timeout(o.timeout)
            .tls_config(tls)
            .redirects(0)
            .build();
        Ok(Client {
            agent,
            base,
            authorization: o.auth.header(),
            headers: o.headers.clone(),
            retries: o.retries,
            backoff: Duration::from_millis(500),
            stats: Stats::default(),
        })
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// Shorter pauses between tries (tests).
    pub fn with_backoff(mut self, d: Duration) -> Self {
        self.backoff = d;
        self
    }

    /// An instant query evaluated at `time` (Unix seconds).
    pub fn query(&mut self, query: &str, time: f64) -> Result<Vec<Series>, PromError> {
        let time = format!("{time:.3}");
        self.post("/api/v1/query", &[("query", query), ("time", &time)])
    }

    /// A range query from `start` to `end` (Unix seconds) every `step_s` seconds.
    pub fn query_range(
        &mut self,
        query: &str,
        start: f64,
        end: f64,
        step_s: u64,
    ) -> Result<Vec<Series>, PromError> {
        let (start, end, step) = (
            format!("{start:.3}"),
            format!("{end:.3}"),
            step_s.to_string(),
        );
        self.post(
            "/api/v1/query_range",
            &[
                ("query", query),
                ("start", &start),
                ("end", &end),
                ("step", &step),
            ],
        )
    }

    /// POSTs a form (long regex matchers do not fit in a URL), trying again after
    /// connection errors, 429 and 5xx answers.
    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Result<Vec<Series>, PromError> {
        let url = format!("{}{path}", self.base);
        let mut attempt = 0;
        loop {
            self.stats.requests += 1;
            let mut req = self.agent.post(&url);
            if let Some(a) = &self.authorization {
                req = req.set("Authorization", a);
            }
            for (k, v) in &self.headers {
                req = req.set(k, v);
            }
            let failure = match req.send_form(form) {
                Ok(resp) => {
                    let body = self.body(resp, &url)?;
                    self.stats.queries += 1;
                    return response::parse(&body).map_err(|e| self.rejected(200, e));
                }
                Err(ureq::Error::Status(status, resp)) => {
                    let body = self.body(resp, &url).unwrap_or_default();
                    if status == 401 || status == 403 {
                        return Err(PromError::Auth {
                            url: self.base.clone(),
                            status,
                        });
                    }
                    let err = match response::parse(&body) {
                        Err(e) => self.rejected(status, e),
                        Ok(_) => self.rejected(
                            status,
                            response::ResponseError::Malformed(
                                "an error status with a success body".into(),
                            ),
                        ),
                    };
                    if !(status == 429 || status >= 500) {
                        return Err(err);
                    }
                    err
                }
                Err(ureq::Error::Transport(t)) => PromError::Unreachable {
                    url: self.base.clone(),
                    detail: t.to_string(),
                    tries: attempt + 1,
                },
            };
            if attempt >= self.retries {
                return Err(match failure {
                    PromError::Unreachable { url, detail, .. } => PromError::Unreachable {
                        url,
                        detail,
                        tries: attempt + 1,
                    },
                    other => other,
                });
            }
            std::thread::sleep(
                (self.backoff * 2u32.pow(attempt.min(4))).min(Duration::from_secs(8)),
            );
            attempt += 1;
        }
    }

    fn body(&mut self, resp: ureq::Response, url: &str) -> Result<Vec<u8>, PromError> {
        let mut body = Vec::new();
        resp.into_reader()
            .take(MAX_BODY)
            .read_to_end(&mut body)
            .map_err(|e| PromError::Unreachable {
                url: url.to_string(),
                detail: format!("reading the response: {e}"),
                tries: 1,
            })?;
        self.stats.bytes += body.len() as u64;
        Ok(body)
    }

    fn rejected(&self, status: u16, e: response::ResponseError) -> PromError {
        PromError::Rejected {
            url: self.base.clone(),
            status,
            message: e.to_string(),
        }
    }
}

/// rustls with the Mozilla roots, plus the certificates of `ca` (PEM) when given.
fn tls_config(ca: Option<&Path>) -> Result<Arc<rustls::ClientConfig>, PromError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca {
        let shown = path.display();
        let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(path)
            .map_err(|e| PromError::Setup(format!("--prometheus-ca {shown}: {e}")))?
            .collect::<Result<_, _>>()
            .map_err(|e| PromError::Setup(format!("--prometheus-ca {shown}: {e}")))?;
        if certs.is_empty() {
            return Err(PromError::Setup(format!(
                "--prometheus-ca {shown}: no PEM certificate in it"
            )));
        }
        for c in certs {
            roots
                .add(c)
                .map_err(|e| PromError::Setup(format!("--prometheus-ca {shown}: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PromError::Setup(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn credentials_from_the_environment_or_a_file() {
        let a = Auth::resolve(env(&[(ENV_TOKEN, " abc \n")]), None, None).unwrap();
        assert_eq!(a.header().as_deref(), Some("Bearer abc"));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("token");
        std::fs::write(&f, "from-file\n").unwrap();
        // The file wins over the environment.
        let a = Auth::resolve(env(&[(ENV_TOKEN, "abc")]), Some(&f), None).unwrap();
        assert_eq!(a.header().as_deref(), Some("Bearer from-file"));
        let a = Auth::resolve(
            env(&[(ENV_USER, "alice"), (ENV_PASSWORD, "s3cret")]),
            None,
            None,
        )
        .unwrap();
        // base64("alice:s3cret")
        assert_eq!(a.header().as_deref(), Some("Basic YWxpY2U6czNjcmV0"));
        assert_eq!(Auth::resolve(env(&[]), None, None).unwrap(), Auth::None);
        assert!(Auth::resolve(env(&[(ENV_USER, "alice")]), None, None).is_err());
        assert!(Auth::resolve(
            env(&[(ENV_USER, "a"), (ENV_TOKEN, "t"), (ENV_PASSWORD, "p")]),
            None,
            None
        )
        .is_err());
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        assert!(Auth::resolve(env(&[]), Some(&empty), None).is_err());
        // Secrets never show in debug output or errors.
        let shown = format!("{a:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        let e = Auth::resolve(env(&[]), Some(&dir.path().join("missing")), None).unwrap_err();
        assert!(e.to_string().contains("--prometheus-token-file"), "{e}");
    }

    #[test]
    fn headers_and_urls() {
        assert_eq!(
            parse_header("X-Scope-OrgID: tenant-a").unwrap(),
            ("X-Scope-OrgID".to_string(), "tenant-a".to_string())
        );
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: x").is_err());
        let e = parse_header("Authorization: Bearer x")
            .unwrap_err()
            .to_string();
        assert!(e.contains(ENV_TOKEN) && !e.contains("Bearer x"), "{e}");
        assert_eq!(base_url("http://prom:9090/").unwrap(), "http://prom:9090");
        assert_eq!(
            base_url("https://mimir.example/prometheus").unwrap(),
            "https://mimir.example/prometheus"
        );
        let e = base_url("https://alice:pw@prom").unwrap_err().to_string();
        assert!(!e.contains("pw"), "{e}");
        assert!(base_url("prom:9090").is_err());
        assert!(base_url("http://prom/api?x=1").is_err());
    }

    #[test]
    fn a_custom_ca_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ca.pem");
        std::fs::write(&f, "not a certificate").unwrap();
        assert!(tls_config(Some(&f)).is_err());
        assert!(tls_config(None).is_ok());
    }
}

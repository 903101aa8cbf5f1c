//! A small HTTP/1.1 client for `tcr bench --load`: one keep-alive connection per client, GET
//! and POST, a cookie jar, bodies sized by `Content-Length`, chunked, or read to the close. It
//! only has to talk to tcr itself, so it is no general client: no TLS, no redirects followed,
//! no compression asked for (bodies are measured as the server writes them uncompressed).

use rocket::tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use rocket::tokio::net::TcpStream;
use std::io;

/// The longest status or header line accepted.
const MAX_LINE: usize = 64 * 1024;
/// The largest body accepted (a 100,000-person page is a few MB; this is a guard, not a limit).
const MAX_BODY: usize = 512 * 1024 * 1024;

/// One response, its body whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The server closes the connection after this response.
    pub close: bool,
}

impl Response {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn bad(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// One line without its CRLF (or LF); `None` at a clean end of stream.
async fn line<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = (&mut *r)
        .take(MAX_LINE as u64 + 2)
        .read_until(b'\n', &mut buf)
        .await?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(if n > MAX_LINE {
            bad("a header line too long")
        } else {
            io::ErrorKind::UnexpectedEof.into()
        });
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| bad("a header line that is not UTF-8"))
}

/// Reads one response. `bodiless` is true for a reply to HEAD. A stream that ends before the
/// status line gives `UnexpectedEof` (a keep-alive connection the server has closed).
pub async fn read_response<R: AsyncBufRead + Unpin>(
    r: &mut R,
    bodiless: bool,
) -> io::Result<Response> {
    let status_line = line(r).await?.ok_or(io::ErrorKind::UnexpectedEof)?;
    let mut parts = status_line.split_whitespace();
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(bad(format!("not an HTTP/1 status line: {status_line:.60}")));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("no status code in: {status_line:.60}")))?;
    let mut headers = Vec::new();
    loop {
        let h = line(r).await?.ok_or(io::ErrorKind::UnexpectedEof)?;
        if h.is_empty() {
            break;
        }
        let (name, value) = h
            .split_once(':')
            .ok_or_else(|| bad(format!("a header without a colon: {h:.60}")))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let mut response = Response {
        status,
        headers,
        body: Vec::new(),
        close: false,
    };
    let connection = response
        .header("connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    response.close = connection.contains("close")
        || (version == "HTTP/1.0" && !connection.contains("keep-alive"));
    if bodiless || status < 200 || status == 204 || status == 304 {
        return Ok(response);
    }
    let chunked = response
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        response.body = chunked_body(r).await?;
    } else if let Some(length) = response.header("content-length") {
        let length: usize = length
            .parse()
            .map_err(|_| bad(format!("a bad Content-Length: {length:.30}")))?;
        if length > MAX_BODY {
            return Err(bad("a body too large"));
        }
        response.body = vec![0; length];
        r.read_exact(&mut response.body).await?;
    } else {
        (&mut *r)
            .take(MAX_BODY as u64)
            .read_to_end(&mut response.body)
            .await?;
        response.close = true;
    }
    Ok(response)
}

/// A chunked body: hex sizes (extensions ignored), each chunk then CRLF, a zero chunk, then
/// trailers up to an empty line.
async fn chunked_body<R: AsyncBufRead + Unpin>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let size_line = line(r).await?.ok_or(io::ErrorKind::UnexpectedEof)?;
        let hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(hex, 16)
            .map_err(|_| bad(format!("a bad chunk size: {hex:.20}")))?;
        if size == 0 {
            while !line(r)
                .await?
                .ok_or(io::ErrorKind::UnexpectedEof)?
                .is_empty()
            {}
            return Ok(body);
        }
        if body.len() + size > MAX_BODY {
            return Err(bad("a body too large"));
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..]).await?;
        if !line(r)
            .await?
            .ok_or(io::ErrorKind::UnexpectedEof)?
            .is_empty()
        {
            return Err(bad("a chunk longer than its size"));
        }
    }
}

/// Cookies by name, from `Set-Cookie`; a cookie set empty or with `Max-Age=0` is removed.
#[derive(Debug, Default, Clone)]
pub struct Jar(Vec<(String, String)>);

impl Jar {
    pub fn take(&mut self, response: &Response) {
        for (name, value) in &response.headers {
            if name != "set-cookie" {
                continue;
            }
            let mut attributes = value.split(';');
            let Some((cookie, content)) = attributes.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let (cookie, content) = (cookie.trim(), content.trim());
            let expired = attributes.any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
            self.0.retain(|(n, _)| n != cookie);
            if !expired && !content.is_empty() {
                self.0.push((cookie.to_string(), content.to_string()));
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `Cookie` header's value, or `None` when the jar is empty.
    pub fn header(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| {
            self.0
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

/// A form field percent-encoded (`application/x-www-form-urlencoded`).
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One keep-alive connection to `127.0.0.1:port`, opened on first use and again after the
/// server closes it, with its own cookie jar.
pub struct Conn {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
    pub jar: Jar,
}

impl Conn {
    pub fn new(port: u16) -> Self {
        Conn {
            port,
            stream: None,
            jar: Jar::default(),
        }
    }

    /// Sends one request and reads its response; cookies the response sets go into the jar.
    /// `headers` are sent as given (the jar's cookies only when `with_cookies`). A request on a
    /// reused connection that the server had already closed is sent once more on a new one.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        with_cookies: bool,
    ) -> io::Result<Response> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: keep-alive\r\n",
            self.port
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if with_cookies && let Some(cookies) = self.jar.header() {
            head.push_str(&format!("Cookie: {cookies}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let reused = self.stream.is_some();
        let result = match self.exchange(&head, body, method == "HEAD").await {
            Err(e) if reused && e.kind() == io::ErrorKind::UnexpectedEof => {
                self.stream = None;
                self.exchange(&head, body, method == "HEAD").await
            }
            other => other,
        };
        match &result {
            Ok(response) => {
                self.jar.take(response);
                if response.close {
                    self.stream = None;
                }
            }
            Err(_) => self.stream = None,
        }
        result
    }

    async fn exchange(&mut self, head: &str, body: &[u8], bodiless: bool) -> io::Result<Response> {
        if self.stream.is_none() {
            let tcp = TcpStream::connect(("127.0.0.1", self.port)).await?;
            tcp.set_nodelay(true)?;
            self.stream = Some(BufReader::with_capacity(64 * 1024, tcp));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(io::ErrorKind::NotConnected.into());
        };
        let mut request = Vec::with_capacity(head.len() + body.len());
        request.extend_from_slice(head.as_bytes());
        request.extend_from_slice(body);
        stream.get_mut().write_all(&request).await?;
        read_response(stream, bodiless).await
    }

    pub async fn get(&mut self, path: &str, headers: &[(&str, &str)]) -> io::Result<Response> {
        self.send("GET", path, headers, &[], false).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> io::Result<Response> {
        let mut reader = raw;
        rocket::tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(io::Error::other)?
            .block_on(read_response(&mut reader, false))
    }

    #[test]
    fn reads_a_body_by_its_content_length_and_keeps_the_connection() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhelloEXTRA",
        )
        .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"hello");
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert!(!r.close);
    }

    #[test]
    fn reads_a_chunked_body_with_extensions_and_trailers() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
            4\r\nWiki\r\n6;name=x\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n";
        let r = parse(raw).unwrap();
        assert_eq!(r.body, b"Wikipedia in \r\n\r\nchunks.");
        assert_eq!(r.text().len(), 24);
    }

    #[test]
    fn a_chunked_body_cut_short_or_malformed_is_an_error() {
        let cut = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort";
        assert_eq!(parse(cut).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        let bad_size = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        assert_eq!(
            parse(bad_size).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
        let too_long =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n";
        assert_eq!(
            parse(too_long).unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn without_a_length_the_body_runs_to_the_close() {
        let r = parse(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it").unwrap();
        assert_eq!(r.body, b"all of it");
        assert!(r.close);
        let r = parse(b"HTTP/1.0 200 OK\r\n\r\nold").unwrap();
        assert_eq!((r.body.as_slice(), r.close), (&b"old"[..], true));
    }

    #[test]
    fn no_body_for_204_and_304_and_an_empty_stream_is_eof() {
        let r = parse(b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK").unwrap();
        assert!(r.body.is_empty());
        let r =
            parse(b"HTTP/1.1 303 See Other\r\nLocation: /\r\nContent-Length: 0\r\n\r\n").unwrap();
        assert_eq!((r.status, r.header("Location")), (303, Some("/")));
        assert_eq!(parse(b"").unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            parse(b"SSH-2.0\r\n\r\n").unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn two_responses_on_one_stream_are_read_one_after_the_other() {
        let raw: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nAHTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nB\r\n0\r\n\r\n";
        let mut reader = raw;
        let rt = rocket::tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let first = rt.block_on(read_response(&mut reader, false)).unwrap();
        let second = rt.block_on(read_response(&mut reader, false)).unwrap();
        assert_eq!((first.status, first.body), (200, b"A".to_vec()));
        assert_eq!((second.status, second.body), (404, b"B".to_vec()));
    }

    #[test]
    fn the_jar_keeps_set_cookies_and_drops_removed_ones() {
        let mut jar = Jar::default();
        let r = parse(b"HTTP/1.1 200 OK\r\nSet-Cookie: tcr_csrf=abc; Path=/; HttpOnly\r\nSet-Cookie: other=1\r\nContent-Length: 0\r\n\r\n").unwrap();
        jar.take(&r);
        assert_eq!(jar.get("tcr_csrf"), Some("abc"));
        assert_eq!(jar.header().as_deref(), Some("tcr_csrf=abc; other=1"));
        let r = parse(b"HTTP/1.1 200 OK\r\nSet-Cookie: other=; Max-Age=0\r\nSet-Cookie: tcr_csrf=def\r\nContent-Length: 0\r\n\r\n").unwrap();
        jar.take(&r);
        assert_eq!(jar.header().as_deref(), Some("tcr_csrf=def"));
    }

    #[test]
    fn form_fields_are_percent_encoded() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
        assert_eq!(form_encode("bench.load-1_x"), "bench.load-1_x");
    }
}

//! Reading a file in the encoding it was saved in: UTF-8 (with or without a BOM), UTF-16 with a
//! BOM, or GB18030 (which includes GBK) — what Excel's plain "CSV" is on a Chinese Windows.
//! Everything after this reader is UTF-8.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult, Encoding, GB18030, UTF_8};

/// How much of the file decides the encoding when it has no BOM: valid UTF-8 so far is read as
/// UTF-8 (a later bad cell is then an error of its row), anything else as GB18030.
const SNIFF_BYTES: usize = 1024 * 1024;

const CHUNK: usize = 64 * 1024;

/// The `io::Error` payload for bytes the file's encoding cannot read, so the reader can name the
/// problem (and the encoding) instead of passing on the error's text.
#[derive(Debug)]
pub struct Malformed {
    pub encoding: &'static str,
}

impl std::fmt::Display for Malformed {
    /// For logs; users see the report's problem, in their language.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "bytes that are not valid {}", self.encoding)
    }
}

impl std::error::Error for Malformed {}

/// A reader that yields UTF-8 whatever the file's encoding; counts the file's own bytes.
pub struct Decoded<R: Read> {
    inner: R,
    encoding: &'static Encoding,
    /// None while the file is UTF-8: its bytes pass through untouched.
    decoder: Option<Decoder>,
    /// File bytes read but not yet handed on (the sniffed start, then each chunk).
    raw: Vec<u8>,
    raw_pos: usize,
    inner_done: bool,
    /// Decoded bytes not yet handed on.
    out: Vec<u8>,
    out_pos: usize,
    finished: bool,
    raw_read: u64,
}

impl<R: Read> Decoded<R> {
    /// Reads the start of the file to choose the encoding.
    pub fn new(mut inner: R) -> io::Result<Decoded<R>> {
        let mut raw = Vec::with_capacity(CHUNK);
        let mut inner_done = false;
        while raw.len() < SNIFF_BYTES {
            let start = raw.len();
            raw.resize((start + CHUNK).min(SNIFF_BYTES), 0);
            match inner.read(&mut raw[start..]) {
                Ok(0) => {
                    raw.truncate(start);
                    inner_done = true;
                    break;
                }
                Ok(n) => raw.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => raw.truncate(start),
                Err(e) => return Err(e),
            }
        }
        let raw_read = raw.len() as u64;
        let (encoding, bom) = match Encoding::for_bom(&raw) {
            Some((e, len)) => (e, len),
            None if looks_utf8(&raw, inner_done) => (UTF_8, 0),
            None => (GB18030, 0),
        };
        let decoder = (encoding != UTF_8).then(|| encoding.new_decoder_without_bom_handling());
        Ok(Decoded {
            inner,
            encoding,
            decoder,
            raw,
            raw_pos: bom,
            inner_done,
            out: Vec::new(),
            out_pos: 0,
            finished: false,
            raw_read,
        })
    }

    /// The encoding's name as the report gives it: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `GB18030`.
    pub fn encoding_name(&self) -> &'static str {
        if self.encoding == GB18030 {
            "GB18030"
        } else {
            self.encoding.name()
        }
    }

    /// Bytes of the file (not of the decoded text) read so far, for progress.
    pub fn raw_bytes_read(&self) -> u64 {
        self.raw_read
    }

    fn fill_raw(&mut self) -> io::Result<()> {
        if self.raw_pos < self.raw.len() || self.inner_done {
            return Ok(());
        }
        self.raw.resize(CHUNK, 0);
        self.raw_pos = 0;
        loop {
            match self.inner.read(&mut self.raw) {
                Ok(n) => {
                    self.raw.truncate(n);
                    self.inner_done = n == 0;
                    self.raw_read += n as u64;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.raw.clear();
                    return Err(e);
                }
            }
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            self.fill_raw()?;
            let pending = &self.raw[self.raw_pos..];
            let Some(decoder) = self.decoder.as_mut() else {
                // UTF-8: hand the bytes on as they are; the CSV reader checks each cell.
                if pending.is_empty() {
                    self.finished = true;
                    return Ok(0);
                }
                let n = buf.len().min(pending.len());
                buf[..n].copy_from_slice(&pending[..n]);
                self.raw_pos += n;
                return Ok(n);
            };
            let last = self.inner_done;
            self.out.clear();
            self.out_pos = 0;
            let room = decoder
                .max_utf8_buffer_length_without_replacement(pending.len())
                .unwrap_or(pending.len() * 3 + 16);
            self.out.resize(room.max(16), 0);
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(pending, &mut self.out, last);
            self.out.truncate(written);
            self.raw_pos += read;
            match result {
                DecoderResult::Malformed(_, _) => {
                    // Replacing the bad bytes would store garbled names without a word.
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        Malformed {
                            encoding: self.encoding_name(),
                        },
                    ));
                }
                DecoderResult::InputEmpty if last => self.finished = true,
                DecoderResult::InputEmpty | DecoderResult::OutputFull => {}
            }
        }
    }
}

/// Valid UTF-8 as far as read; a character cut off at the end of the sniffed part still counts.
fn looks_utf8(bytes: &[u8], whole_file: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && !whole_file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (String, &'static str) {
        let mut d = Decoded::new(bytes).unwrap();
        let mut out = String::new();
        d.read_to_string(&mut out).unwrap();
        (out, d.encoding_name())
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("配件号\n".as_bytes()), ("配件号\n".into(), "UTF-8"));
        assert_eq!(
            decode("\u{feff}配件号\n".as_bytes()),
            ("配件号\n".into(), "UTF-8")
        );
        assert_eq!(decode(b""), (String::new(), "UTF-8"));
    }

    #[test]
    fn gbk_and_gb18030_without_bom() {
        // "配件号" in GBK, as Excel's plain "CSV" saves it on a Chinese Windows.
        assert_eq!(
            decode(b"\xc5\xe4\xbc\xfe\xba\xc5\n"),
            ("配件号\n".into(), "GB18030")
        );
        let (bytes, _, _) = GB18030.encode("名称,蓄电池 70Ah,€\n");
        assert_eq!(decode(&bytes), ("名称,蓄电池 70Ah,€\n".into(), "GB18030"));
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xff, 0xfe];
        let mut be = vec![0xfe, 0xff];
        for u in "配件号,A\n".encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&le), ("配件号,A\n".into(), "UTF-16LE"));
        assert_eq!(decode(&be), ("配件号,A\n".into(), "UTF-16BE"));
    }

    #[test]
    fn decodes_across_chunks_and_counts_file_bytes() {
        let text = "保险丝套装,".repeat(300_000);
        let (bytes, _, _) = GB18030.encode(&text);
        let mut d = Decoded::new(&bytes[..]).unwrap();
        let mut out = String::new();
        d.read_to_string(&mut out).unwrap();
        assert_eq!(out, text);
        assert_eq!(d.raw_bytes_read(), bytes.len() as u64);
    }

    #[test]
    fn bytes_gb18030_cannot_read_are_an_error_not_garbage() {
        let mut d = Decoded::new(&b"\xc5\xe4\xff\xff\n"[..]).unwrap();
        let mut out = String::new();
        let e = d.read_to_string(&mut out).unwrap_err();
        let inner = e.get_ref().and_then(|e| e.downcast_ref::<Malformed>());
        assert_eq!(inner.map(|m| m.encoding), Some("GB18030"));
    }
}

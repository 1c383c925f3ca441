//! Photos and the customer's signature from the crew's phone: what a photo shows, which image
//! types the server keeps (told by their first bytes, never by the client's Content-Type), and
//! the bounds of a signature and the resolution text.

use serde::{Deserialize, Serialize};

use super::availability::keeps_crew_busy;
use super::ticket::TicketStatus;

/// What a photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhotoKind {
    /// The fault as the crew found it (required with a mismatch report).
    FaultOnArrival,
    Repair,
    PartsUsed,
}

text_names!(PhotoKind {
    FaultOnArrival => "fault_on_arrival",
    Repair => "repair",
    PartsUsed => "parts_used",
});

impl PhotoKind {
    pub fn label_key(self) -> &'static str {
        match self {
            PhotoKind::FaultOnArrival => "phone-photo-kind-fault-on-arrival",
            PhotoKind::Repair => "phone-photo-kind-repair",
            PhotoKind::PartsUsed => "phone-photo-kind-parts-used",
        }
    }
}

/// The image types kept, by their magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    Jpeg,
    Png,
    Webp,
}

impl ImageType {
    /// The type the bytes are, or `None` for anything else (HTML, SVG, a renamed PDF …).
    pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
        if bytes.len() >= 4 && bytes[..3] == [0xFF, 0xD8, 0xFF] {
            Some(ImageType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 8 {
            Some(ImageType::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageType::Webp)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageType::Jpeg => "image/jpeg",
            ImageType::Png => "image/png",
            ImageType::Webp => "image/webp",
        }
    }
}

/// The crew adds photos while they are out (on the road, at the car, waiting there for a new
/// plan): the fault on arrival goes with a mismatch report, which happens on site.
pub fn photos_allowed(status: TicketStatus) -> bool {
    keeps_crew_busy(status)
}

/// The largest signature kept (PNG bytes): a drawn line on a phone-sized canvas is far smaller.
pub const MAX_SIGNATURE_BYTES: usize = 200_000;
/// What was done, as the crew writes it when resolving (characters).
pub const MAX_WORK_DONE_CHARS: usize = 2000;
/// Why the customer did not sign (characters).
pub const MAX_ABSENT_REASON_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        crate::domain::assert_names_round_trip(PhotoKind::ALL, PhotoKind::as_str, PhotoKind::parse);
    }

    #[test]
    fn types_are_told_by_their_first_bytes() {
        assert_eq!(
            ImageType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            Some(ImageType::Jpeg)
        );
        assert_eq!(
            ImageType::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(ImageType::Png)
        );
        assert_eq!(
            ImageType::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ImageType::Webp)
        );
        for bad in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'>"[..],
            b"<html><script>",
            b"GIF89a....",
            b"%PDF-1.7",
            b"\xFF\xD8",
            b"",
        ] {
            assert_eq!(ImageType::sniff(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn photos_only_while_the_crew_is_out() {
        assert!(photos_allowed(TicketStatus::OnSite));
        assert!(photos_allowed(TicketStatus::Dispatched));
        assert!(photos_allowed(TicketStatus::Replanning));
        assert!(!photos_allowed(TicketStatus::Approved));
        assert!(!photos_allowed(TicketStatus::Resolved));
    }
}

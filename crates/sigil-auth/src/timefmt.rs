//! Timestamps as the JS SDK writes them (`Date.prototype.toISOString`) and reads them (RFC 3339).

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::error::AuthError;

/// `time` formatted exactly as JavaScript's `Date.prototype.toISOString()`: UTC, milliseconds
/// (truncated, as a JS `Date` holds no finer time), `Z`; years outside 0..=9999 as `±YYYYYY`.
///
/// ```
/// use time::macros::datetime;
/// assert_eq!(sigil_auth::to_js_iso_string(datetime!(2025-01-01 00:00:00.123456 UTC)), "2025-01-01T00:00:00.123Z");
/// assert_eq!(sigil_auth::to_js_iso_string(datetime!(2025-01-01 01:00 +01:00)), "2025-01-01T00:00:00.000Z");
/// ```
pub fn to_js_iso_string(time: OffsetDateTime) -> String {
    let utc = time.to_offset(UtcOffset::UTC);
    let year = utc.year();
    let year = if (0..=9999).contains(&year) {
        format!("{year:04}")
    } else {
        format!(
            "{}{:06}",
            if year < 0 { '-' } else { '+' },
            year.unsigned_abs()
        )
    };
    format!(
        "{year}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.millisecond()
    )
}

/// Parses an RFC 3339 timestamp (`2025-01-01T00:00:00.000Z`, offsets allowed).
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, AuthError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|error| AuthError::InvalidInput {
        what: "RFC 3339 timestamp",
        reason: format!("{:?}: {error}", crate::resource::truncate_for_error(text)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn iso_strings_match_javascript_to_iso_string() {
        assert_eq!(
            to_js_iso_string(datetime!(2025-06-07 08:09:10.111 UTC)),
            "2025-06-07T08:09:10.111Z"
        );
        assert_eq!(
            to_js_iso_string(datetime!(-0001-01-01 00:00 UTC)),
            "-000001-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn iso_strings_parse_back_to_the_same_millisecond() {
        let time = datetime!(2025-06-07 08:09:10.111 UTC);
        assert_eq!(parse_rfc3339(&to_js_iso_string(time)).unwrap(), time);
        assert!(parse_rfc3339("2025-06-07 08:09").is_err());
    }
}

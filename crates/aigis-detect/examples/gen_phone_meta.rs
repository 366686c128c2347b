//! Writes `data/phone_metadata.postcard.z`, the libphonenumber metadata the
//! phone recognizer validates `+CC` numbers with, from the
//! `PhoneNumberMetadata.xml` the `phonenumber` crate ships:
//!
//! ```text
//! cargo run -p aigis-detect --example gen_phone_meta -- \
//!     ~/.cargo/registry/src/*/phonenumber-*/assets/PhoneNumberMetadata.xml \
//!     crates/aigis-detect/data/phone_metadata.postcard.z
//! ```
//!
//! Only what parsing and validation read is kept: formatting rules and
//! example numbers are dropped. Regions keep the file's order, which
//! decides which region of a shared calling code is tried first.

use phonenumber::metadata::loader;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [xml, out] = args.as_slice() else {
        return Err("usage: gen_phone_meta PhoneNumberMetadata.xml OUT".into());
    };
    let reader = std::io::BufReader::new(std::fs::File::open(xml)?);
    let mut regions = loader::load(reader).map_err(|e| format!("{xml}: {e:?}"))?;
    for m in &mut regions {
        m.formats.clear();
        m.international_formats.clear();
        for d in [
            &mut m.general,
            &mut m.fixed_line,
            &mut m.mobile,
            &mut m.toll_free,
            &mut m.premium_rate,
            &mut m.shared_cost,
            &mut m.personal_number,
            &mut m.voip,
            &mut m.pager,
            &mut m.uan,
            &mut m.emergency,
            &mut m.voicemail,
            &mut m.short_code,
            &mut m.standard_rate,
            &mut m.carrier,
            &mut m.no_international,
        ]
        .into_iter()
        .flatten()
        {
            d.example = None;
        }
    }
    let mut buf = vec![0u8; 16 << 20];
    let used = postcard::to_slice(&regions, &mut buf)?.len();
    let z = miniz_oxide::deflate::compress_to_vec_zlib(&buf[..used], 10);
    let tmp = format!("{out}.tmp");
    {
        use std::io::Write as _;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&z)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, out)?;
    println!(
        "{} regions, {used} bytes, {} compressed -> {out}",
        regions.len(),
        z.len()
    );
    Ok(())
}

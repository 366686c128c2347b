//! FF1 (NIST SP 800-38G) with AES-256, on integers.
//!
//! The `fpe` crate implements FF1 over arbitrary-length numeral strings
//! with big-integer arithmetic in every round; for the values `tokenize`
//! meets (cards, SSNs, IBANs, identifiers: each half of the numeral string
//! below 2^120) that costs most of the time. This module computes the same
//! function with the two halves held as `u128`, and the CBC-MAC over the
//! constant prefix of each round's input computed once per call. Longer
//! values go to `fpe`. Both are checked against NIST's AES-256 samples and
//! against each other (tests below).

use aes::Aes256;
use aes::cipher::{
    BlockCipherEncBackend, BlockCipherEncClosure, BlockCipherEncrypt, BlockSizeUser, KeyInit,
    consts,
};
use fpe::ff1::{FF1, FlexibleNumeralString};

/// Largest `radix^v` the integer path handles: the fold `(acc << 8) | byte`
/// modulo `radix^m` must not overflow.
const LIMIT: u128 = 1 << 120;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Direction {
    Encrypt,
    Decrypt,
}

/// FF1-AES-256 under one key.
pub(crate) struct Ff1 {
    aes: Aes256,
    key: zeroize::Zeroizing<[u8; 32]>,
}

/// The numeral string is outside what FF1 accepts (radix, length).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Ff1Error;

fn block_xor(a: &mut [u8; 16], b: &[u8]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x ^= y;
    }
}

/// `NUM(bytes) mod m` for `m < 2^120`, taking as many bytes per reduction
/// as fit beside `m` in 128 bits (u128 remainders are the costly part).
fn num_mod(bytes: &[u8], m: u128) -> u128 {
    let room = (m.leading_zeros() as usize / 8).max(1);
    let mut acc = 0u128;
    for chunk in bytes.chunks(room) {
        for &b in chunk {
            acc = (acc << 8) | u128::from(b);
        }
        acc %= m;
    }
    acc
}

impl Ff1 {
    pub(crate) fn new(key: &[u8; 32]) -> Ff1 {
        Ff1 {
            aes: Aes256::new(key.into()),
            key: zeroize::Zeroizing::new(*key),
        }
    }

    /// Encrypts or decrypts the numerals `x` (each below `radix`) in place.
    pub(crate) fn crypt(
        &self,
        radix: u32,
        tweak: &[u8],
        x: &mut [u16],
        dir: Direction,
    ) -> Result<(), Ff1Error> {
        let n = x.len();
        let u = n / 2;
        let v = n - u;
        let r = u128::from(radix);
        // FF1 needs radix^n >= 10^6 (SP 800-38G Rev. 1).
        let domain = (0..n).try_fold(
            1u128,
            |p, _| if p >= 1_000_000 { None } else { Some(p * r) },
        );
        if domain.is_some_and(|p| p < 1_000_000) || !(2..=1 << 16).contains(&radix) {
            return Err(Ff1Error);
        }
        let fits = (2..=1 << 16).contains(&radix)
            && u32::try_from(v)
                .ok()
                .and_then(|v| r.checked_pow(v))
                .is_some_and(|p| p < LIMIT);
        if !fits || n < 2 {
            return self.crypt_fpe(radix, tweak, x, dir);
        }
        let num = |xs: &[u16]| xs.iter().fold(0u128, |acc, &d| acc * r + u128::from(d));
        let (a, b) = (num(&x[..u]), num(&x[u..]));
        let (a, b) = self.crypt_int(radix, n, tweak, a, b, dir);
        let put = |val: u128, out: &mut [u16]| {
            // u128 division is slow; most halves fit in 64 bits.
            if let Ok(mut v64) = u64::try_from(val) {
                let r = u64::from(radix);
                for d in out.iter_mut().rev() {
                    *d = (v64 % r) as u16;
                    v64 /= r;
                }
            } else {
                let mut val = val;
                for d in out.iter_mut().rev() {
                    *d = (val % r) as u16;
                    val /= r;
                }
            }
        };
        put(a, &mut x[..u]);
        put(b, &mut x[u..]);
        Ok(())
    }

    /// FF1 on a numeral string of `n` numerals given as its halves' values
    /// `a = NUM(X[..u])`, `b = NUM(X[u..])`. Requires `radix^v < 2^120`.
    ///
    /// All of its AES blocks go through one backend call, so the round
    /// keys are loaded (into vector registers on VAES machines) once per
    /// value rather than once per block.
    pub(crate) fn crypt_int(
        &self,
        radix: u32,
        n: usize,
        tweak: &[u8],
        a: u128,
        b: u128,
        dir: Direction,
    ) -> (u128, u128) {
        let mut out = (a, b);
        self.aes.encrypt_with_backend(IntJob {
            radix,
            n,
            tweak,
            dir,
            out: &mut out,
        });
        out
    }
    /// The general path (any length): the `fpe` crate.
    fn crypt_fpe(
        &self,
        radix: u32,
        tweak: &[u8],
        x: &mut [u16],
        dir: Direction,
    ) -> Result<(), Ff1Error> {
        let ff1 = FF1::<Aes256>::new(&self.key[..], radix).map_err(|_| Ff1Error)?;
        let ns = FlexibleNumeralString::from(x.to_vec());
        let out = match dir {
            Direction::Encrypt => ff1.encrypt(tweak, &ns),
            Direction::Decrypt => ff1.decrypt(tweak, &ns),
        }
        .map_err(|_| Ff1Error)?;
        let out: Vec<u16> = out.into();
        if out.len() != x.len() {
            return Err(Ff1Error);
        }
        x.copy_from_slice(&out);
        Ok(())
    }
}

/// [`Ff1::crypt_int`] inside one backend call.
struct IntJob<'a> {
    radix: u32,
    n: usize,
    tweak: &'a [u8],
    dir: Direction,
    /// The halves in, the result out.
    out: &'a mut (u128, u128),
}

impl BlockSizeUser for IntJob<'_> {
    type BlockSize = consts::U16;
}

impl BlockCipherEncClosure for IntJob<'_> {
    fn call<B: BlockCipherEncBackend<BlockSize = consts::U16>>(self, backend: &B) {
        let enc = |block: &mut [u8; 16]| backend.encrypt_block_inplace(block.into());
        let (a, b) = *self.out;
        *self.out = crypt_int_with(&enc, self.radix, self.n, self.tweak, a, b, self.dir);
    }
}

/// The body of [`Ff1::crypt_int`] over a block encryption `enc`.
fn crypt_int_with(
    enc: &impl Fn(&mut [u8; 16]),
    radix: u32,
    n: usize,
    tweak: &[u8],
    mut a: u128,
    mut b: u128,
    dir: Direction,
) -> (u128, u128) {
    let u = n / 2;
    let v = n - u;
    let r = u128::from(radix);
    let pow = |m: usize| (0..m).fold(1u128, |p, _| p * r);
    let (mod_u, mod_v) = (pow(u), pow(v));
    // b = bytes to hold radix^v - 1; d = 4 * ceil(b / 4) + 4
    let bits = 128 - (mod_v - 1).leading_zeros() as usize;
    let bb = bits.div_ceil(8);
    let d = 4 * bb.div_ceil(4) + 4;
    let t = tweak.len();

    // P || T || 0^pad: the part of every round's PRF input that does not
    // change; its full blocks are MACed once.
    let mut p = [0u8; 16];
    p[..3].copy_from_slice(&[1, 2, 1]);
    p[3..6].copy_from_slice(&radix.to_be_bytes()[1..]);
    p[6] = 10;
    p[7] = (u % 256) as u8;
    p[8..12].copy_from_slice(&(n as u32).to_be_bytes());
    p[12..16].copy_from_slice(&(t as u32).to_be_bytes());
    let pad = (16 - (t + bb + 1) % 16) % 16;
    let mut prefix = Vec::with_capacity(16 + t + pad);
    prefix.extend_from_slice(&p);
    prefix.extend_from_slice(tweak);
    prefix.resize(16 + t + pad, 0);
    let full = prefix.len() / 16 * 16;
    let mut state = [0u8; 16];
    for chunk in prefix[..full].chunks_exact(16) {
        block_xor(&mut state, chunk);
        enc(&mut state);
    }
    let rest = &prefix[full..];

    let round = |i: u8, val: u128| -> u128 {
        // tail = rest || [i] || NUM(val) in bb bytes; a multiple of 16
        let mut tail = [0u8; 48];
        let len = rest.len() + 1 + bb;
        tail[..rest.len()].copy_from_slice(rest);
        tail[rest.len()] = i;
        tail[rest.len() + 1..len].copy_from_slice(&val.to_be_bytes()[16 - bb..]);
        let mut y = state;
        for chunk in tail[..len].chunks_exact(16) {
            block_xor(&mut y, chunk);
            enc(&mut y);
        }
        // S = R || CIPH(R xor [1]^16) || ..., first d bytes (d <= 20 here)
        let mut s = [0u8; 32];
        s[..16].copy_from_slice(&y);
        if d > 16 {
            let mut e = y;
            e[15] ^= 1;
            enc(&mut e);
            s[16..].copy_from_slice(&e);
        }
        let m = if i.is_multiple_of(2) { mod_u } else { mod_v };
        num_mod(&s[..d], m)
    };

    match dir {
        Direction::Encrypt => {
            for i in 0..10u8 {
                let m = if i.is_multiple_of(2) { mod_u } else { mod_v };
                let c = (a + round(i, b)) % m;
                a = b;
                b = c;
            }
        }
        Direction::Decrypt => {
            for i in (0..10u8).rev() {
                let m = if i.is_multiple_of(2) { mod_u } else { mod_v };
                let y = round(i, a);
                let c = (b + m - y) % m;
                b = a;
                a = c;
            }
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: [u8; 32] = [
        0x2B, 0x7E, 0x15, 0x16, 0x28, 0xAE, 0xD2, 0xA6, 0xAB, 0xF7, 0x15, 0x88, 0x09, 0xCF, 0x4F,
        0x3C, 0xEF, 0x43, 0x59, 0xD8, 0xD5, 0x80, 0xAA, 0x4F, 0x7F, 0x03, 0x6D, 0x6F, 0x04, 0xFC,
        0x6A, 0x94,
    ];

    fn digits(s: &str) -> Vec<u16> {
        s.chars().map(|c| c.to_digit(36).unwrap() as u16).collect()
    }

    // NIST SP 800-38G FF1 samples 7, 8 and 9 (AES-256).
    #[test]
    fn nist_samples() {
        let f = Ff1::new(&KEY);
        let cases: [(u32, &[u8], &str, &str); 3] = [
            (10, b"", "0123456789", "6657667009"),
            (
                10,
                &[0x39, 0x38, 0x37, 0x36, 0x35, 0x34, 0x33, 0x32, 0x31, 0x30],
                "0123456789",
                "1001623463",
            ),
            (
                36,
                &[
                    0x37, 0x37, 0x37, 0x37, 0x70, 0x71, 0x72, 0x73, 0x37, 0x37, 0x37,
                ],
                "0123456789abcdefghi",
                "xs8a0azh2avyalyzuwd",
            ),
        ];
        for (radix, tweak, pt, ct) in cases {
            let mut x = digits(pt);
            f.crypt(radix, tweak, &mut x, Direction::Encrypt).unwrap();
            assert_eq!(x, digits(ct), "{pt}");
            f.crypt(radix, tweak, &mut x, Direction::Decrypt).unwrap();
            assert_eq!(x, digits(pt));
            let mut y = digits(pt);
            f.crypt_fpe(radix, tweak, &mut y, Direction::Encrypt)
                .unwrap();
            assert_eq!(y, digits(ct));
        }
    }

    #[test]
    fn num_mod_matches_bytewise() {
        let bytes: Vec<u8> = (0u8..20)
            .map(|i| i.wrapping_mul(97).wrapping_add(13))
            .collect();
        for m in [
            2u128,
            7,
            10_000,
            99_999_999,
            1 << 64,
            (1 << 119) + 12345,
            (1 << 120) - 1,
        ] {
            let slow = bytes
                .iter()
                .fold(0u128, |acc, &b| ((acc << 8) | u128::from(b)) % m);
            assert_eq!(num_mod(&bytes, m), slow, "{m}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

        // The integer path computes exactly what the fpe crate computes.
        #[test]
        fn same_as_fpe(
            radix in prop_oneof![Just(2u32), Just(10), Just(26), Just(36), 2u32..300],
            len in 2usize..60,
            tweak in proptest::collection::vec(any::<u8>(), 0..40),
            seed in any::<u64>(),
        ) {
            let f = Ff1::new(&KEY);
            let mut s = seed;
            let x: Vec<u16> = (0..len).map(|_| {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((s >> 33) % u64::from(radix)) as u16
            }).collect();
            let domain_ok = (radix as f64).powi(len as i32) >= 1_000_000.0;
            let mut fast = x.clone();
            let mut slow = x.clone();
            let r1 = f.crypt(radix, &tweak, &mut fast, Direction::Encrypt);
            let r2 = f.crypt_fpe(radix, &tweak, &mut slow, Direction::Encrypt);
            if domain_ok {
                prop_assert!(r1.is_ok() && r2.is_ok());
                prop_assert_eq!(&fast, &slow);
                f.crypt(radix, &tweak, &mut fast, Direction::Decrypt).unwrap();
                prop_assert_eq!(&fast, &x);
            } else {
                prop_assert!(r1.is_err() && r2.is_err());
            }
        }
    }
}

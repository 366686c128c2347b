//! The [`Keyring`]: named, versioned keys in a directory, wrapped under the
//! master key.

use std::fmt;
use std::fs::{self, File};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::fsutil::{create_private_dir, random_array, write_private_file};
use crate::handles::{open, seal};
use crate::keyfile::{
    KEY_FORMAT, KEYRING_FORMAT, KeyRecord, KeyringFile, VersionRecord, derive, wrap_aad,
};
use crate::{
    AesKey, Ed25519Signer, HmacKey, KdfParams, KeyError, KeyId, KeyKind, MasterKey, P256Signer,
    PublicKey,
};

const KEYRING_FILE: &str = "keyring.json";
const LOCK_FILE: &str = ".lock";

/// Where a key version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum VersionState {
    /// The current version: signs, encrypts, verifies, decrypts.
    Active,
    /// Superseded by a rotation: verifies and decrypts only.
    Retired,
    /// Disabled: unusable for anything that needs the secret.
    Disabled,
}

impl fmt::Display for VersionState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VersionState::Active => "active",
            VersionState::Retired => "retired",
            VersionState::Disabled => "disabled",
        })
    }
}

/// What `list` and friends report about a key (no secret material).
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    /// Key name.
    pub name: String,
    /// Key kind.
    pub kind: KeyKind,
    /// RFC 3339 UTC creation time.
    pub created: String,
    /// The active version, if any.
    pub current: Option<u32>,
    /// Every version, oldest first.
    pub versions: Vec<VersionInfo>,
}

/// One version of a key.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    /// Version number (1-based).
    pub version: u32,
    /// RFC 3339 UTC creation time.
    pub created: String,
    /// Its state.
    pub state: VersionState,
}

/// A keyring directory opened with its master key.
pub struct Keyring {
    dir: PathBuf,
    master: MasterKey,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

fn now() -> String {
    format!("{:.0}", jiff::Timestamp::now())
}

fn check_name(name: &str) -> Result<(), KeyError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(KeyError::InvalidName {
            name: name.to_owned(),
        })
    }
}

impl Keyring {
    /// Creates a new, empty keyring in `dir` (mode 0700) for `master`.
    /// `kdf` records the Argon2id parameters when `master` came from a
    /// passphrase, so that later runs can derive it again.
    ///
    /// # Errors
    /// [`KeyError::KeyringExists`] if `dir` already holds one; I/O errors.
    pub fn create(
        dir: impl Into<PathBuf>,
        master: MasterKey,
        kdf: Option<KdfParams>,
    ) -> Result<Self, KeyError> {
        let dir = dir.into();
        let path = dir.join(KEYRING_FILE);
        if path.exists() {
            return Err(KeyError::KeyringExists { path: dir });
        }
        create_private_dir(&dir)?;
        let file = KeyringFile {
            format: KEYRING_FORMAT.to_owned(),
            check: derive(&master, "aigis-keys/v1 check").to_vec(),
            kdf,
        };
        let bytes = serde_json::to_vec_pretty(&file)
            .map_err(|e| KeyError::Encoding(format!("keyring file: {e}")))?;
        write_private_file(&path, &bytes)?;
        Ok(Keyring { dir, master })
    }

    /// The Argon2id parameters stored for a passphrase-derived master key,
    /// read before the master key is known.
    ///
    /// # Errors
    /// [`KeyError::NoKeyring`], corrupt file, I/O errors.
    pub fn kdf_params(dir: &Path) -> Result<Option<KdfParams>, KeyError> {
        Ok(Self::read_keyring_file(dir)?.kdf)
    }

    fn read_keyring_file(dir: &Path) -> Result<KeyringFile, KeyError> {
        let path = dir.join(KEYRING_FILE);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::NoKeyring {
                    path: dir.to_owned(),
                });
            }
            Err(e) => return Err(KeyError::io(&path, e)),
        };
        let file: KeyringFile = serde_json::from_slice(&bytes)
            .map_err(|e| KeyError::corrupt(&path, format!("not a keyring file: {e}")))?;
        if file.format != KEYRING_FORMAT {
            return Err(KeyError::corrupt(
                &path,
                format!("format {:?}, expected {KEYRING_FORMAT:?}", file.format),
            ));
        }
        Ok(file)
    }

    /// Opens the keyring in `dir`, checking that `master` is its key.
    ///
    /// # Errors
    /// [`KeyError::WrongMasterKey`], [`KeyError::NoKeyring`], I/O errors.
    pub fn open(dir: impl Into<PathBuf>, master: MasterKey) -> Result<Self, KeyError> {
        let dir = dir.into();
        let file = Self::read_keyring_file(&dir)?;
        let check = derive(&master, "aigis-keys/v1 check");
        if !bool::from(check.as_slice().ct_eq(&file.check)) {
            return Err(KeyError::WrongMasterKey {
                path: dir.join(KEYRING_FILE),
            });
        }
        Ok(Keyring { dir, master })
    }

    /// The keyring directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn key_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// Holds an exclusive lock on the keyring while a key file changes, so
    /// concurrent `rotate`s cannot lose an update.
    fn lock(&self) -> Result<File, KeyError> {
        let path = self.dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| KeyError::io(&path, e))?;
        file.lock().map_err(|e| KeyError::io(&path, e))?;
        Ok(file)
    }

    fn load(&self, name: &str) -> Result<KeyRecord, KeyError> {
        check_name(name)?;
        let path = self.key_path(name);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KeyError::NoSuchKey {
                    name: name.to_owned(),
                });
            }
            Err(e) => return Err(KeyError::io(&path, e)),
        };
        KeyRecord::open(&path, &bytes, &self.master, name)
    }

    fn store(&self, record: &KeyRecord) -> Result<(), KeyError> {
        let bytes = record.seal(&self.master)?;
        write_private_file(&self.key_path(&record.name), &bytes)
    }

    fn new_version(
        &self,
        name: &str,
        kind: KeyKind,
        version: u32,
    ) -> Result<VersionRecord, KeyError> {
        let secret = Zeroizing::new(generate_secret(kind)?);
        let public = match kind {
            KeyKind::Ed25519 => Some(
                ed25519_dalek::SigningKey::from_bytes(&secret)
                    .verifying_key()
                    .to_bytes()
                    .to_vec(),
            ),
            KeyKind::EcdsaP256 => Some(
                p256_key(name, version, &secret)?
                    .verifying_key()
                    .to_sec1_bytes()
                    .to_vec(),
            ),
            _ => None,
        };
        let wrapped = seal(
            self.master.bytes(),
            &wrap_aad(name, kind, version),
            secret.as_ref(),
        )?;
        Ok(VersionRecord {
            version,
            created: now(),
            state: VersionState::Active,
            public,
            wrapped,
        })
    }

    /// Creates a key with its first version.
    ///
    /// # Errors
    /// [`KeyError::KeyExists`], [`KeyError::InvalidName`], I/O errors.
    pub fn create_key(&self, name: &str, kind: KeyKind) -> Result<KeyInfo, KeyError> {
        check_name(name)?;
        let _lock = self.lock()?;
        if self.key_path(name).exists() {
            return Err(KeyError::KeyExists {
                name: name.to_owned(),
            });
        }
        let record = KeyRecord {
            format: KEY_FORMAT.to_owned(),
            name: name.to_owned(),
            kind,
            created: now(),
            versions: vec![self.new_version(name, kind, 1)?],
        };
        self.store(&record)?;
        Ok(info(&record))
    }

    /// Every key, sorted by name.
    ///
    /// # Errors
    /// I/O errors, corrupt or tampered key files.
    pub fn list(&self) -> Result<Vec<KeyInfo>, KeyError> {
        let mut names = Vec::new();
        for entry in fs::read_dir(&self.dir).map_err(|e| KeyError::io(&self.dir, e))? {
            let entry = entry.map_err(|e| KeyError::io(&self.dir, e))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(".json")
                && file != KEYRING_FILE
                && !file.starts_with('.')
            {
                names.push(name.to_owned());
            }
        }
        names.sort();
        names.iter().map(|n| self.info(n)).collect()
    }

    /// What is known about one key.
    ///
    /// # Errors
    /// [`KeyError::NoSuchKey`], corrupt or tampered key file.
    pub fn info(&self, name: &str) -> Result<KeyInfo, KeyError> {
        Ok(info(&self.load(name)?))
    }

    /// Adds a new version and makes it current; the previous active version
    /// becomes `retired` (verify and decrypt only).
    ///
    /// # Errors
    /// [`KeyError::NoSuchKey`], I/O errors.
    pub fn rotate(&self, name: &str) -> Result<KeyInfo, KeyError> {
        let _lock = self.lock()?;
        let mut record = self.load(name)?;
        let next = u32::try_from(record.versions.len() + 1)
            .map_err(|_| KeyError::corrupt(self.key_path(name), "too many versions"))?;
        for v in &mut record.versions {
            if v.state == VersionState::Active {
                v.state = VersionState::Retired;
            }
        }
        let version = self.new_version(name, record.kind, next)?;
        record.versions.push(version);
        self.store(&record)?;
        Ok(info(&record))
    }

    /// Disables one version, or every version when `version` is `None`.
    /// A disabled version can no longer sign, encrypt, verify or decrypt
    /// through the keyring.
    ///
    /// # Errors
    /// [`KeyError::NoSuchKey`], [`KeyError::NoSuchVersion`], I/O errors.
    pub fn disable(&self, name: &str, version: Option<u32>) -> Result<KeyInfo, KeyError> {
        let _lock = self.lock()?;
        let mut record = self.load(name)?;
        match version {
            None => record
                .versions
                .iter_mut()
                .for_each(|v| v.state = VersionState::Disabled),
            Some(n) => {
                let v = record
                    .versions
                    .iter_mut()
                    .find(|v| v.version == n)
                    .ok_or_else(|| KeyError::NoSuchVersion {
                        name: name.to_owned(),
                        version: n,
                    })?;
                v.state = VersionState::Disabled;
            }
        }
        self.store(&record)?;
        Ok(info(&record))
    }

    /// Unwraps one version's secret after checking kind and usability.
    /// `version: None` means the current (active) version, for operations
    /// that create (sign, encrypt, MAC); `Some(n)` reaches retired versions
    /// too, for operations that check (verify, decrypt).
    fn secret(
        &self,
        name: &str,
        expected: KeyKind,
        version: Option<u32>,
        operation: &'static str,
    ) -> Result<(KeyId, Zeroizing<[u8; 32]>), KeyError> {
        let record = self.load(name)?;
        if record.kind != expected {
            return Err(KeyError::WrongKind {
                name: name.to_owned(),
                expected,
                actual: record.kind,
            });
        }
        let v = match version {
            None => record
                .versions
                .iter()
                .rev()
                .find(|v| v.state == VersionState::Active)
                .ok_or_else(|| {
                    let last = record.versions.last();
                    KeyError::NotUsable {
                        name: name.to_owned(),
                        version: last.map_or(0, |v| v.version),
                        state: last.map_or(VersionState::Disabled, |v| v.state),
                        operation,
                    }
                })?,
            Some(n) => record
                .versions
                .iter()
                .find(|v| v.version == n)
                .ok_or_else(|| KeyError::NoSuchVersion {
                    name: name.to_owned(),
                    version: n,
                })?,
        };
        if v.state == VersionState::Disabled {
            return Err(KeyError::NotUsable {
                name: name.to_owned(),
                version: v.version,
                state: v.state,
                operation,
            });
        }
        let plain = open(
            self.master.bytes(),
            &wrap_aad(name, record.kind, v.version),
            &v.wrapped,
        )
        .ok_or_else(|| KeyError::UnwrapFailed {
            name: name.to_owned(),
            version: v.version,
        })?;
        let mut secret = Zeroizing::new([0u8; 32]);
        if plain.len() != 32 {
            return Err(KeyError::UnwrapFailed {
                name: name.to_owned(),
                version: v.version,
            });
        }
        secret.copy_from_slice(&plain);
        Ok((
            KeyId {
                name: name.to_owned(),
                version: v.version,
            },
            secret,
        ))
    }

    /// The current version of an `ed25519` key, for signing.
    ///
    /// # Errors
    /// Missing key, wrong kind, no active version, unwrap failure.
    pub fn ed25519_signer(&self, name: &str) -> Result<Ed25519Signer, KeyError> {
        let (id, secret) = self.secret(name, KeyKind::Ed25519, None, "sign")?;
        Ok(Ed25519Signer::new(
            id,
            ed25519_dalek::SigningKey::from_bytes(&secret),
        ))
    }

    /// The current version of an `ecdsa-p256` key, for signing.
    ///
    /// # Errors
    /// Missing key, wrong kind, no active version, unwrap failure.
    pub fn p256_signer(&self, name: &str) -> Result<P256Signer, KeyError> {
        let (id, secret) = self.secret(name, KeyKind::EcdsaP256, None, "sign")?;
        let key = p256_key(name, id.version, &secret)?;
        Ok(P256Signer::new(id, key))
    }

    /// The current version of an `hmac` key.
    ///
    /// # Errors
    /// Missing key, wrong kind, no active version, unwrap failure.
    pub fn hmac_key(&self, name: &str) -> Result<HmacKey, KeyError> {
        let (id, secret) = self.secret(name, KeyKind::Hmac, None, "compute a MAC")?;
        Ok(HmacKey::new(id, secret))
    }

    /// A given version of an `hmac` key (retired versions too), to check
    /// old pseudonyms.
    ///
    /// # Errors
    /// Missing key or version, wrong kind, disabled, unwrap failure.
    pub fn hmac_key_version(&self, name: &str, version: u32) -> Result<HmacKey, KeyError> {
        let (id, secret) = self.secret(name, KeyKind::Hmac, Some(version), "verify a MAC")?;
        Ok(HmacKey::new(id, secret))
    }

    /// The current version of an `aes256` key, to encrypt.
    ///
    /// # Errors
    /// Missing key, wrong kind, no active version, unwrap failure.
    pub fn aes_key(&self, name: &str) -> Result<AesKey, KeyError> {
        let (id, secret) = self.secret(name, KeyKind::Aes256, None, "encrypt")?;
        Ok(AesKey::new(id, secret))
    }

    /// A given version of an `aes256` key (retired versions too), to decrypt.
    ///
    /// # Errors
    /// Missing key or version, wrong kind, disabled, unwrap failure.
    pub fn aes_key_version(&self, name: &str, version: u32) -> Result<AesKey, KeyError> {
        let (id, secret) = self.secret(name, KeyKind::Aes256, Some(version), "decrypt")?;
        Ok(AesKey::new(id, secret))
    }

    /// The public key of one version of a signing key (`None`: current).
    /// Retired versions are reachable (to verify old signatures); disabled
    /// ones are not.
    ///
    /// # Errors
    /// Missing key or version, a symmetric kind, disabled, unwrap failure.
    pub fn public_key(&self, name: &str, version: Option<u32>) -> Result<PublicKey, KeyError> {
        let record = self.load(name)?;
        let (id, secret) = match record.kind {
            KeyKind::Ed25519 | KeyKind::EcdsaP256 => {
                let op = if version.is_some() { "verify" } else { "sign" };
                self.secret(name, record.kind, version, op)?
            }
            other => {
                return Err(KeyError::WrongKind {
                    name: name.to_owned(),
                    expected: KeyKind::Ed25519,
                    actual: other,
                });
            }
        };
        // Derive from the authenticated secret, never from the unauthenticated
        // copy of the public key kept for listing.
        Ok(match record.kind {
            KeyKind::Ed25519 => {
                PublicKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&secret).verifying_key())
            }
            _ => PublicKey::P256(*p256_key(name, id.version, &secret)?.verifying_key()),
        })
    }

    /// Every usable (active or retired) version's public key of a signing
    /// key, oldest first: what a verifier of old signatures needs.
    ///
    /// # Errors
    /// As [`Keyring::public_key`].
    pub fn public_keys(&self, name: &str) -> Result<Vec<(u32, PublicKey)>, KeyError> {
        let record = self.load(name)?;
        record
            .versions
            .iter()
            .filter(|v| v.state != VersionState::Disabled)
            .map(|v| Ok((v.version, self.public_key(name, Some(v.version))?)))
            .collect()
    }

    /// An `ed25519` key's version by number, for verifying (retired ones too).
    ///
    /// # Errors
    /// As [`Keyring::public_key`].
    pub fn ed25519_verifying_key(
        &self,
        name: &str,
        version: Option<u32>,
    ) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
        match self.public_key(name, version)? {
            PublicKey::Ed25519(k) => Ok(k),
            PublicKey::P256(_) => Err(KeyError::WrongKind {
                name: name.to_owned(),
                expected: KeyKind::Ed25519,
                actual: KeyKind::EcdsaP256,
            }),
        }
    }
}

fn info(record: &KeyRecord) -> KeyInfo {
    KeyInfo {
        name: record.name.clone(),
        kind: record.kind,
        created: record.created.clone(),
        current: record
            .versions
            .iter()
            .rev()
            .find(|v| v.state == VersionState::Active)
            .map(|v| v.version),
        versions: record
            .versions
            .iter()
            .map(|v| VersionInfo {
                version: v.version,
                created: v.created.clone(),
                state: v.state,
            })
            .collect(),
    }
}

fn generate_secret(kind: KeyKind) -> Result<[u8; 32], KeyError> {
    loop {
        let secret: [u8; 32] = random_array()?;
        // A P-256 scalar must be in [1, n): retry the ~2^-32 out-of-range draws.
        if kind != KeyKind::EcdsaP256 || p256::ecdsa::SigningKey::from_slice(&secret).is_ok() {
            return Ok(secret);
        }
    }
}

fn p256_key(
    name: &str,
    version: u32,
    secret: &[u8; 32],
) -> Result<p256::ecdsa::SigningKey, KeyError> {
    p256::ecdsa::SigningKey::from_slice(secret).map_err(|_| KeyError::UnwrapFailed {
        name: name.to_owned(),
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> (tempfile::TempDir, Keyring) {
        let dir = tempfile::tempdir().unwrap();
        let master = MasterKey::from_base64(&"QUFB".repeat(10)[..40]).ok();
        let master = master.unwrap_or_else(|| MasterKey::generate().unwrap());
        let ring = Keyring::create(dir.path().join("keys"), master, None).unwrap();
        (dir, ring)
    }

    #[test]
    fn create_list_rotate_disable() {
        let (_d, ring) = ring();
        for (name, kind) in crate::defaults::ALL {
            ring.create_key(name, kind).unwrap();
        }
        assert!(matches!(
            ring.create_key("data", KeyKind::Aes256),
            Err(KeyError::KeyExists { .. })
        ));
        let names: Vec<_> = ring.list().unwrap().into_iter().map(|k| k.name).collect();
        assert_eq!(
            names,
            ["attest", "data", "ledger", "mask", "pseudonym", "signing"]
        );

        let old = ring.ed25519_signer("ledger").unwrap();
        let sig = old.sign(b"m");
        let info = ring.rotate("ledger").unwrap();
        assert_eq!(info.current, Some(2));
        assert_eq!(info.versions[0].state, VersionState::Retired);
        let new = ring.ed25519_signer("ledger").unwrap();
        assert_eq!(new.id().version, 2);
        assert_ne!(new.verifying_key(), old.verifying_key());
        // The retired version still verifies.
        let v1 = ring.ed25519_verifying_key("ledger", Some(1)).unwrap();
        v1.verify_strict(b"m", &sig).unwrap();
        assert_eq!(ring.public_keys("ledger").unwrap().len(), 2);

        ring.disable("ledger", Some(1)).unwrap();
        assert!(matches!(
            ring.ed25519_verifying_key("ledger", Some(1)),
            Err(KeyError::NotUsable { .. })
        ));
        ring.disable("ledger", None).unwrap();
        assert!(matches!(
            ring.ed25519_signer("ledger"),
            Err(KeyError::NotUsable { .. })
        ));
    }

    #[test]
    fn retired_aes_decrypts_but_does_not_encrypt() {
        let (_d, ring) = ring();
        ring.create_key("data", KeyKind::Aes256).unwrap();
        let v1 = ring.aes_key("data").unwrap();
        let sealed = v1.seal(b"", b"x").unwrap();
        ring.rotate("data").unwrap();
        assert_eq!(ring.aes_key("data").unwrap().id().version, 2);
        let again = ring.aes_key_version("data", 1).unwrap();
        assert_eq!(&**again.open(b"", &sealed).unwrap(), b"x");
    }

    #[test]
    fn wrong_kind_and_wrong_master_are_refused() {
        let (dir, ring) = ring();
        ring.create_key("h", KeyKind::Hmac).unwrap();
        assert!(matches!(
            ring.ed25519_signer("h"),
            Err(KeyError::WrongKind { .. })
        ));
        let other = Keyring::open(dir.path().join("keys"), MasterKey::generate().unwrap());
        assert!(matches!(other, Err(KeyError::WrongMasterKey { .. })));
        assert!(matches!(
            Keyring::create(
                dir.path().join("keys"),
                MasterKey::generate().unwrap(),
                None
            ),
            Err(KeyError::KeyringExists { .. })
        ));
    }

    #[test]
    fn edited_or_swapped_key_files_are_detected() {
        let (dir, ring) = ring();
        ring.create_key("a", KeyKind::Hmac).unwrap();
        ring.create_key("b", KeyKind::Hmac).unwrap();
        let keys = dir.path().join("keys");
        // Re-enable a disabled version by editing the state: MAC fails.
        ring.disable("a", None).unwrap();
        let text = fs::read_to_string(keys.join("a.json")).unwrap();
        write_private_file(
            &keys.join("a.json"),
            text.replace("\"disabled\"", "\"active\"").as_bytes(),
        )
        .unwrap();
        assert!(matches!(ring.hmac_key("a"), Err(KeyError::Tampered { .. })));
        // A file copied under another name is refused.
        fs::copy(keys.join("b.json"), keys.join("a.json")).unwrap();
        assert!(matches!(ring.hmac_key("a"), Err(KeyError::Corrupt { .. })));
    }

    #[test]
    fn names_are_checked() {
        let (_d, ring) = ring();
        for bad in ["", "../x", "A", "a b", "-x", &"x".repeat(65)] {
            assert!(matches!(
                ring.create_key(bad, KeyKind::Hmac),
                Err(KeyError::InvalidName { .. })
            ));
        }
    }

    #[test]
    fn public_key_pem_for_both_kinds() {
        let (_d, ring) = ring();
        ring.create_key("e", KeyKind::Ed25519).unwrap();
        ring.create_key("p", KeyKind::EcdsaP256).unwrap();
        let e = ring.public_key("e", None).unwrap().to_pem().unwrap();
        let p = ring.public_key("p", None).unwrap().to_pem().unwrap();
        assert!(e.starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
        assert!(p.starts_with("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"));
    }
}

//! Entity type names (Presidio's names for the built-in ones).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

/// The type of a finding: `PERSON`, `EMAIL_ADDRESS`, a custom recognizer's
/// own name, ... Built-in names are constants and never allocate.
#[derive(Clone, Eq, Hash, PartialOrd, Ord)]
pub struct Entity(Repr);

impl PartialEq for Entity {
    #[inline]
    fn eq(&self, other: &Entity) -> bool {
        // Built-in names are the same static string: compare pointers first.
        if let (Repr::Static(a), Repr::Static(b)) = (&self.0, &other.0) {
            if std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len() {
                return true;
            }
        }
        self.as_str() == other.as_str()
    }
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Repr {
    Static(&'static str),
    Owned(Arc<str>),
}

macro_rules! entities {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        impl Entity {
            $($(#[$doc])* pub const $name: Entity = Entity(Repr::Static(stringify!($name)));)*
            /// Every built-in entity, in documentation order.
            pub const BUILTIN: &'static [Entity] = &[$(Entity::$name),*];
        }
    };
}

entities! {
    /// A person's name.
    PERSON,
    /// An e-mail address.
    EMAIL_ADDRESS,
    /// A telephone number.
    PHONE_NUMBER,
    /// A payment card number (Luhn-valid, known issuer range).
    CREDIT_CARD,
    /// A US social security number.
    US_SSN,
    /// An international bank account number (mod-97 valid).
    IBAN_CODE,
    /// An IPv4 or IPv6 address.
    IP_ADDRESS,
    /// A URL.
    URL,
    /// A street address, city, region or country.
    LOCATION,
    /// A date or time tied to a person (birth, appointment, ...).
    DATE_TIME,
    /// A US passport number.
    US_PASSPORT,
    /// A US driver licence number.
    US_DRIVER_LICENSE,
    /// A US bank account number.
    US_BANK_NUMBER,
    /// A US individual taxpayer identification number.
    US_ITIN,
    /// A cryptocurrency wallet address (Bitcoin).
    CRYPTO,
    /// A medical licence number (US DEA registration).
    MEDICAL_LICENSE,
    /// A credential: API key, token, password assignment, private key.
    SECRET,
}

impl Entity {
    /// An entity with a name chosen at run time (custom recognizers).
    /// Built-in names map to the built-in constants.
    pub fn new(name: &str) -> Entity {
        Entity::BUILTIN
            .iter()
            .find(|e| e.as_str() == name)
            .cloned()
            .unwrap_or_else(|| Entity(Repr::Owned(Arc::from(name))))
    }

    /// The entity's name.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Owned(s) => s,
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Entity> for Cow<'static, str> {
    fn from(e: Entity) -> Self {
        match e.0 {
            Repr::Static(s) => Cow::Borrowed(s),
            Repr::Owned(s) => Cow::Owned(s.to_string()),
        }
    }
}

impl serde::Serialize for Entity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Entity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <Cow<'de, str>>::deserialize(d)?;
        Ok(Entity::new(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_round_trip() {
        for e in Entity::BUILTIN {
            assert_eq!(&Entity::new(e.as_str()), e);
        }
        assert_eq!(Entity::new("EMPLOYEE_ID").as_str(), "EMPLOYEE_ID");
    }
}

//! Subnet token symbols: the table of 439 symbols subtensor hands out (UTF-8), the choice of a
//! new subnet's symbol, and `update_symbol`.
//!
//! Entry `i` is the default symbol of netuid `i`; entry 0 (capital tau, Τ) belongs to root and is
//! also the fallback once every other symbol is taken. A new subnet gets its own entry unless
//! another subnet already holds it, in which case the first free entry after root's. An owner
//! (or root) may switch to any free symbol of the table except Τ. Source: subtensor's
//! `subnets/symbols.rs` and `update_symbol` (call 112).

use super::errors::Error;
use super::events::Event;
use super::storage::{SubnetOwner, TokenSymbol};
use crate::storage::Storage;
use crate::support::{DispatchError, Origin};
use cortex_primitives::NetUid;
use std::collections::BTreeSet;

/// Number of symbols in the table.
pub const SYMBOL_COUNT: usize = 439;

/// Root's symbol, capital tau, and the fallback when the table is exhausted.
pub const DEFAULT_SYMBOL: &str = "\u{3a4}";

/// The symbol table, in subtensor's order (entry `i` is netuid `i`'s default symbol).
#[rustfmt::skip]
pub const SYMBOLS: [&str; SYMBOL_COUNT] = [
    "Τ", "α", "β", "γ", "δ", "ε", "ζ", "η", "θ", "ι", // 0–9
    "κ", "λ", "μ", "ν", "ξ", "ο", "π", "ρ", "σ", "t", // 10–19
    "υ", "φ", "χ", "ψ", "ω", "א", "ב", "ג", "ד", "ה", // 20–29
    "ו", "ז", "ח", "ט", "י", "ך", "כ", "ל", "ם", "מ", // 30–39
    "ן", "נ", "ס", "ע", "ף", "פ", "ץ", "צ", "ק", "ר", // 40–49
    "ש", "ת", "ا", "ب", "ت", "ث", "ج", "ح", "خ", "د", // 50–59
    "ذ", "ر", "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", // 60–69
    "غ", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي", // 70–79
    "ى", "ᚠ", "ᚢ", "ᚦ", "ᚨ", "ᚱ", "ᚳ", "Ы", "ᛉ", "ᛒ", // 80–89
    "\u{1680}", "ᚁ", "ᚂ", "ᚃ", "ᚄ", "ᚅ", "᚛", "ა", "ბ", "გ", // 90–99
    "დ", "ე", "ვ", "Ա", "Բ", "Գ", "Դ", "Ե", "Զ", "՞", // 100–109
    "Ѐ", "Ё", "Ђ", "Ѓ", "Є", "Ѕ", "ъ", "Ⲁ", "ⲁ", "Ⲃ", // 110–119
    "ⲃ", "Ⲅ", "ⲅ", "\u{11000}", "\u{11001}", "\u{11002}", "𑀃", "𑀅", "න", "ඳ", // 120–129
    "ප", "ඵ", "බ", "භ", "Ⰰ", "Ⰱ", "Ⰲ", "Ⰳ", "Ⰴ", "Ⰵ", // 130–139
    "Ⰶ", "Ⰷ", "Ⰸ", "Ⰹ", "Ⰺ", "Ⰻ", "Ⰼ", "Ⰽ", "Ⰾ", "Ⰿ", // 140–149
    "Ⱀ", "Ⱁ", "Ⱂ", "Ⱃ", "Ⱄ", "Ⱅ", "Ⱆ", "Ⱇ", "Ⱈ", "Ⱉ", // 150–159
    "Ⱊ", "Ⱋ", "Ⱌ", "Ⱍ", "Ⱎ", "Ⱏ", "Ⱐ", "ก", "ข", "ฃ", // 160–169
    "ค", "ฅ", "ฆ", "ง", "จ", "ฉ", "ช", "ซ", "ฌ", "ญ", // 170–179
    "ฎ", "ฏ", "ฐ", "ฑ", "ฒ", "ณ", "ด", "ต", "ถ", "ท", // 180–189
    "ธ", "น", "บ", "ป", "ผ", "ฝ", "พ", "ฟ", "ภ", "ม", // 190–199
    "ย", "ร", "ล", "ว", "ศ", "ษ", "ส", "ห", "ฬ", "อ", // 200–209
    "ฮ", "ㄱ", "ㄴ", "ㄷ", "ㄹ", "ㅁ", "ㅂ", "ㅅ", "ㅇ", "ㅈ", // 210–219
    "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ", "ㅏ", "ㅐ", "ㅑ", "ㅒ", "ㅓ", // 220–229
    "ㅔ", "ㅕ", "ㅖ", "ㅗ", "ㅘ", "ㅙ", "ㅚ", "ㅛ", "ㅜ", "ㅝ", // 230–239
    "ㅞ", "ㅟ", "ㅠ", "ㅡ", "ㅢ", "ㅣ", "አ", "ኡ", "ኢ", "ኣ", // 240–249
    "ኤ", "እ", "ኦ", "ኧ", "ወ", "ዉ", "ዊ", "ዋ", "ዌ", "ው", // 250–259
    "ዎ", "ኰ", "\u{12b1}", "ኲ", "ኳ", "ኴ", "ኵ", "\u{12b6}", "ጐ", "\u{1311}", // 260–269
    "ጒ", "መ", "ጔ", "ጕ", "\u{1316}", "अ", "आ", "इ", "ई", "उ", // 270–279
    "ऊ", "ऋ", "ए", "ऐ", "ओ", "औ", "क", "ख", "ग", "घ", // 280–289
    "ङ", "च", "छ", "ज", "झ", "ञ", "ट", "ठ", "ड", "ढ", // 290–299
    "ण", "त", "थ", "द", "ध", "न", "प", "फ", "ब", "भ", // 300–309
    "म", "य", "र", "ल", "व", "श", "ष", "स", "ह", "ア", // 310–319
    "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", // 320–329
    "シ", "ス", "セ", "ソ", "タ", "チ", "ツ", "テ", "ト", "ナ", // 330–339
    "ニ", "ヌ", "ネ", "ノ", "ハ", "ヒ", "フ", "ヘ", "ホ", "マ", // 340–349
    "ミ", "ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ", "ル", // 350–359
    "レ", "ロ", "ワ", "ヲ", "ン", "ⴰ", "ⴱ", "ⴲ", "ⴳ", "ⴴ", // 360–369
    "ⴵ", "ⴶ", "ⴷ", "ⴸ", "ⴹ", "ⴺ", "ⴻ", "ⴼ", "ⴽ", "ⴾ", // 370–379
    "ⴿ", "ⵀ", "ⵁ", "ⵂ", "ⵃ", "ⵄ", "ⵅ", "ⵆ", "ⵇ", "ⵈ", // 380–389
    "ⵉ", "ⵊ", "ⵋ", "ⵌ", "ⵍ", "ⵎ", "ⵏ", "ⵐ", "ⵑ", "ⵒ", // 390–399
    "ⵓ", "අ", "ආ", "ඉ", "ඊ", "උ", "ඌ", "ඍ", "ඎ", "ඏ", // 400–409
    "ඐ", "එ", "ඒ", "ඓ", "ඔ", "ඕ", "ඖ", "ක", "ඛ", "ග", // 410–419
    "ඝ", "ඞ", "ච", "ඡ", "ජ", "ඣ", "ඤ", "ට", "ඥ", "ඦ", // 420–429
    "ඩ", "ඨ", "ඪ", "ණ", "ඬ", "ත", "ථ", "ද", "ධ", // 430–438
];

/// The table's symbol for `netuid` (its own entry), or [`DEFAULT_SYMBOL`] past the table's end.
pub fn symbol_for_subnet(netuid: NetUid) -> Vec<u8> {
    SYMBOLS
        .get(usize::from(netuid.0))
        .copied()
        .unwrap_or(DEFAULT_SYMBOL)
        .as_bytes()
        .to_vec()
}

/// The symbol a new subnet `netuid` gets: its own entry if no subnet holds it, else the first
/// entry after root's that no subnet holds, else [`DEFAULT_SYMBOL`].
pub fn next_available_symbol(s: &Storage, netuid: NetUid) -> Vec<u8> {
    let used: BTreeSet<Vec<u8>> = TokenSymbol::iter(s).into_iter().map(|(_, v)| v).collect();
    let own = symbol_for_subnet(netuid);
    if !used.contains(&own) {
        return own;
    }
    SYMBOLS
        .iter()
        .skip(1)
        .map(|sym| sym.as_bytes())
        .find(|sym| !used.contains(*sym))
        .unwrap_or(DEFAULT_SYMBOL.as_bytes())
        .to_vec()
}

/// Whether `symbol` is an entry of the table other than root's.
pub fn symbol_exists(symbol: &[u8]) -> bool {
    SYMBOLS.iter().skip(1).any(|sym| sym.as_bytes() == symbol)
}

/// Whether no subnet (the caller's own included) holds `symbol`.
pub fn symbol_available(s: &Storage, symbol: &[u8]) -> bool {
    !TokenSymbol::iter(s).iter().any(|(_, v)| v == symbol)
}

/// `update_symbol(netuid, symbol)`: the subnet owner or root sets the subnet's symbol.
///
/// A signed origin other than the owner is a bad origin. The symbol must be in the table (not
/// root's Τ) and held by no subnet, including this one. Subtensor does not check that the subnet
/// exists; neither does this (only root can reach a netuid without an owner).
pub fn update_symbol(
    s: &mut Storage,
    origin: &Origin,
    netuid: NetUid,
    symbol: &[u8],
    events: &mut Vec<Event>,
) -> Result<(), DispatchError> {
    match origin {
        Origin::Root => {}
        Origin::Signed(who) if SubnetOwner::get(s, &netuid) == *who => {}
        _ => return Err(DispatchError::BadOrigin),
    }
    if !symbol_exists(symbol) {
        return Err(Error::SymbolDoesNotExist.into());
    }
    if !symbol_available(s, symbol) {
        return Err(Error::SymbolAlreadyInUse.into());
    }
    TokenSymbol::insert(s, &netuid, &symbol.to_vec());
    events.push(Event::SymbolUpdated {
        netuid,
        symbol: symbol.to_vec(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{TAO, acct, funded, subnet};

    #[test]
    fn the_table_is_subtensors() {
        let all: BTreeSet<&str> = SYMBOLS.iter().copied().collect();
        assert_eq!(all.len(), SYMBOL_COUNT);
        assert_eq!(SYMBOLS[0].as_bytes(), b"\xCE\xA4");
        assert_eq!(SYMBOLS[1].as_bytes(), b"\xCE\xB1");
        assert_eq!(SYMBOLS[19].as_bytes(), b"t");
        assert_eq!(SYMBOLS[90].as_bytes(), b"\xE1\x9A\x80");
        assert_eq!(SYMBOLS[123].as_bytes(), b"\xF0\x91\x80\x80");
        assert_eq!(SYMBOLS[438].as_bytes(), b"\xE0\xB6\xB0");
        assert_eq!(symbol_for_subnet(NetUid(2)), "β".as_bytes());
        assert_eq!(symbol_for_subnet(NetUid(439)), DEFAULT_SYMBOL.as_bytes());
    }

    #[test]
    fn new_subnets_take_their_own_or_the_first_free_symbol() {
        let mut s = Storage::new();
        assert_eq!(next_available_symbol(&s, NetUid(3)), "γ".as_bytes());
        // Subnet 5 already uses α and γ: netuid 3 falls back to the first free after Τ, β.
        TokenSymbol::insert(&mut s, &NetUid(5), &"α".as_bytes().to_vec());
        TokenSymbol::insert(&mut s, &NetUid(6), &"γ".as_bytes().to_vec());
        assert_eq!(next_available_symbol(&s, NetUid(3)), "β".as_bytes());
        // Every symbol taken: the default.
        for (i, sym) in SYMBOLS.iter().enumerate() {
            TokenSymbol::insert(&mut s, &NetUid(i as u16 + 1000), &sym.as_bytes().to_vec());
        }
        assert_eq!(
            next_available_symbol(&s, NetUid(3)),
            DEFAULT_SYMBOL.as_bytes()
        );
    }

    #[test]
    fn register_network_sets_the_symbol() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, false);
        assert_eq!(TokenSymbol::get(&s, &netuid), "α".as_bytes());
    }

    #[test]
    fn update_symbol_checks_origin_table_and_use() {
        let mut s = funded(&[(1, 10_000 * TAO)]);
        let netuid = subnet(&mut s, false);
        TokenSymbol::insert(&mut s, &NetUid(7), &"η".as_bytes().to_vec());
        let owner = Origin::Signed(acct(1));
        let mut ev = Vec::new();
        let bad = update_symbol(
            &mut s,
            &Origin::Signed(acct(2)),
            netuid,
            b"\xCE\xB2",
            &mut ev,
        );
        assert_eq!(bad, Err(DispatchError::BadOrigin));
        let none = update_symbol(&mut s, &Origin::None, netuid, b"\xCE\xB2", &mut ev);
        assert_eq!(none, Err(DispatchError::BadOrigin));
        // Not in the table, or root's Τ.
        for sym in [&b"X"[..], DEFAULT_SYMBOL.as_bytes()] {
            let r = update_symbol(&mut s, &owner, netuid, sym, &mut ev);
            assert_eq!(r, Err(Error::SymbolDoesNotExist.into()));
        }
        // Held by another subnet, or by this one.
        for sym in ["η", "α"] {
            let r = update_symbol(&mut s, &owner, netuid, sym.as_bytes(), &mut ev);
            assert_eq!(r, Err(Error::SymbolAlreadyInUse.into()));
        }
        assert!(ev.is_empty());
        update_symbol(&mut s, &owner, netuid, "β".as_bytes(), &mut ev).unwrap();
        assert_eq!(TokenSymbol::get(&s, &netuid), "β".as_bytes());
        // Root may set any subnet's symbol.
        update_symbol(&mut s, &Origin::Root, NetUid(7), "θ".as_bytes(), &mut ev).unwrap();
        assert_eq!(
            ev,
            vec![
                Event::SymbolUpdated {
                    netuid,
                    symbol: "β".as_bytes().to_vec()
                },
                Event::SymbolUpdated {
                    netuid: NetUid(7),
                    symbol: "θ".as_bytes().to_vec()
                }
            ]
        );
    }
}

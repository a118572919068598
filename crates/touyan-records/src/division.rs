//! 统计用区划代码: 12 digits = 省 2 + 市 2 + 县 2 + 乡 3 + 村 3. A town (镇街区)
//! is the first nine; the first digit of its 乡 segment says what it is
//! (0 街道, 1 镇, 2 or 3 乡, 4 or 5 政企合一 such as development zones).
//!
//! The measures count administrative villages (行政村): villagers'
//! committees. Division tables list residents' committees and statistical
//! units beside them, told apart only by their names.

use std::fmt;

/// Why a text is not a division code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeError {
    /// Wrong number of characters; carries what was expected and found.
    Length { expected: usize, found: usize },
    /// Not all digits.
    NotDigits,
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Length { expected, found } => {
                write!(f, "区划代码应为 {expected} 位数字，实为 {found} 位")
            }
            CodeError::NotDigits => f.write_str("区划代码只能由数字组成"),
        }
    }
}

impl std::error::Error for CodeError {}

fn digits<const N: usize>(text: &str) -> Result<[u8; N], CodeError> {
    let t = text.trim();
    let found = t.chars().count();
    if found != N {
        return Err(CodeError::Length { expected: N, found });
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeError::NotDigits);
    }
    let mut out = [0u8; N];
    out.copy_from_slice(t.as_bytes());
    Ok(out)
}

/// What a town-level unit is, by its code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TownKind {
    Street,
    Town,
    Township,
    /// 政企合一 (a zone run by a management committee).
    Zone,
}

impl TownKind {
    pub fn zh(self) -> &'static str {
        match self {
            TownKind::Street => "街道",
            TownKind::Town => "镇",
            TownKind::Township => "乡",
            TownKind::Zone => "区（政企合一）",
        }
    }
}

/// A town, street or zone (镇街区): nine digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TownCode([u8; 9]);

impl TownCode {
    pub fn parse(text: &str) -> Result<TownCode, CodeError> {
        digits::<9>(text).map(TownCode)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The county-level unit (县级): six digits.
    pub fn county(&self) -> &str {
        &self.as_str()[..6]
    }

    /// `None` for a first digit the code table does not use (6–9).
    pub fn kind(&self) -> Option<TownKind> {
        match self.0[6] {
            b'0' => Some(TownKind::Street),
            b'1' => Some(TownKind::Town),
            b'2' | b'3' => Some(TownKind::Township),
            b'4' | b'5' => Some(TownKind::Zone),
            _ => None,
        }
    }
}

impl fmt::Debug for TownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TownCode({})", self.as_str())
    }
}

impl fmt::Display for TownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A village-level unit: twelve digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VillageCode([u8; 12]);

impl VillageCode {
    pub fn parse(text: &str) -> Result<VillageCode, CodeError> {
        digits::<12>(text).map(VillageCode)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The town it belongs to (its first nine digits).
    pub fn town(&self) -> TownCode {
        let mut t = [0u8; 9];
        t.copy_from_slice(&self.0[..9]);
        TownCode(t)
    }
}

impl fmt::Debug for VillageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VillageCode({})", self.as_str())
    }
}

impl fmt::Display for VillageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a village-level unit is, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitteeKind {
    /// 村民委员会: an administrative village of the measures.
    Villagers,
    /// 居民委员会, 社区: urban.
    Residents,
    /// 类似社区, 生活区, 管理区: statistical units.
    Statistical,
    /// A name none of the rules recognise.
    Unknown,
}

impl CommitteeKind {
    /// Classifies a unit by the end of its name (a trailing bracketed note
    /// such as "（省级）" is ignored). Statistical endings are tried before
    /// "社区", so that "类似社区" is not taken for a residents' committee.
    pub fn classify(name: &str) -> CommitteeKind {
        let mut n = name.trim();
        // Trailing bracketed notes: "（省级）" is dropped, but a note that
        // says what the unit is ("…公司（村委会）") decides.
        while let Some(open) = n.rfind(['（', '('])
            && n.ends_with(['）', ')'])
            && open > 0
        {
            let close = n.len() - n.chars().next_back().map_or(0, char::len_utf8);
            let note = &n[open..close];
            let note = note.trim_start_matches(['（', '(']);
            match Self::by_ending(note) {
                CommitteeKind::Unknown | CommitteeKind::Statistical => n = n[..open].trim_end(),
                kind if note.contains("委") => return kind,
                _ => n = n[..open].trim_end(),
            }
        }
        // Typing slips the national table carries: "居委会会", "居居委员会".
        let fixed = n
            .replace("会会", "会")
            .replace("居居", "居")
            .replace("民民", "民");
        Self::by_ending(&fixed)
    }

    /// The kind a name's ending says, without notes.
    fn by_ending(n: &str) -> CommitteeKind {
        const STATISTICAL: [&str; 3] = ["类似社区", "生活区", "管理区"];
        // Residents' committees, with the cut-off and variant endings of
        // the national table, and work-unit family committees (家委会).
        const RESIDENTS: [&str; 12] = [
            "居民委员会",
            "居民管理委员会",
            "居民委员",
            "居委员会",
            "居委会",
            "居委",
            "社区委员会",
            "社区委会",
            "社区",
            "街道委员会",
            "街委员会",
            "家委会",
        ];
        // Villagers' committees and their regional names: 嘎查 (Inner
        // Mongolia), 牧委会 (pastoral), a bare "…村".
        const VILLAGERS: [&str; 12] = [
            "村民委员会",
            "民委员会",
            "村民委员",
            "村委员会",
            "村委会",
            "村委",
            "民委会",
            "嘎查委员会",
            "嘎查委会",
            "嘎查",
            "牧委会",
            "村",
        ];
        if STATISTICAL.iter().any(|s| n.ends_with(s)) {
            CommitteeKind::Statistical
        } else if RESIDENTS.iter().any(|s| n.ends_with(s)) {
            CommitteeKind::Residents
        } else if VILLAGERS.iter().any(|s| n.ends_with(s)) {
            CommitteeKind::Villagers
        } else {
            CommitteeKind::Unknown
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            CommitteeKind::Villagers => "村民委员会",
            CommitteeKind::Residents => "居民委员会",
            CommitteeKind::Statistical => "统计单位",
            CommitteeKind::Unknown => "未识别",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_split() {
        let v = VillageCode::parse("370783100201").unwrap();
        assert_eq!(v.town().as_str(), "370783100");
        assert_eq!(v.town().county(), "370783");
        assert_eq!(v.town().kind(), Some(TownKind::Town));
        assert_eq!(
            TownCode::parse("370783001").unwrap().kind(),
            Some(TownKind::Street)
        );
        assert_eq!(
            TownCode::parse("370783400").unwrap().kind(),
            Some(TownKind::Zone)
        );
        assert_eq!(
            TownCode::parse("370783200").unwrap().kind(),
            Some(TownKind::Township)
        );
        assert_eq!(TownCode::parse("370783900").unwrap().kind(), None);
    }

    #[test]
    fn bad_codes_are_refused() {
        assert_eq!(
            VillageCode::parse("37078310020"),
            Err(CodeError::Length {
                expected: 12,
                found: 11
            })
        );
        assert_eq!(
            VillageCode::parse("37078310020a"),
            Err(CodeError::NotDigits)
        );
        assert_eq!(
            TownCode::parse("３７０７８３１００"),
            Err(CodeError::NotDigits)
        );
        assert!(
            VillageCode::parse("1")
                .unwrap_err()
                .to_string()
                .contains("12 位")
        );
    }

    #[test]
    fn committees_are_told_apart_by_name() {
        use CommitteeKind::*;
        for (name, kind) in [
            ("东村村委会", Villagers),
            ("王家庄村民委员会", Villagers),
            ("巴彦嘎查", Villagers),
            ("某某村", Villagers),
            ("多福巷社区居委会", Residents),
            ("圣城街居民委员会", Residents),
            ("幸福社区", Residents),
            ("某某类似社区", Statistical),
            ("农场生活区", Statistical),
            ("盐场管理区", Statistical),
            ("某某村委会（省级）", Villagers),
            ("开发区", Unknown),
            // Variants and slips of the national table.
            ("红山郡社区委员会", Residents),
            ("新建社区居委", Residents),
            ("万山社区居委会会", Residents),
            ("城东社区居居委员会", Residents),
            ("亚星社区居民管理委员会", Residents),
            ("南关街街道委员会", Residents),
            ("市第一医院家委会", Residents),
            ("杨甘固村委员会", Villagers),
            ("北周庄村村民民委员会", Villagers),
            ("伊力特嘎查人民委员会", Villagers),
            ("茂力格尔嘎查委会", Villagers),
            ("岚峪村村民委员", Villagers),
            ("白庙村农工商联合公司（村委会）", Villagers),
            ("新月村委会（新月工业小区）（省级）", Villagers),
            ("合隆居委会（合隆经济开发区）（省级）", Residents),
            ("第五生产队", Unknown),
        ] {
            assert_eq!(CommitteeKind::classify(name), kind, "{name}");
        }
    }
}

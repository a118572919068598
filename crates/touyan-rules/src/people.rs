//! Facts about people that several articles share.

use std::fmt;

/// Highest education completed (学历), in ascending order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Education {
    None,
    Primary,
    JuniorMiddle,
    SeniorMiddle,
    /// 大专
    College,
    Bachelor,
    Master,
    Doctor,
}

impl Education {
    pub const ALL: [Education; 8] = [
        Education::None,
        Education::Primary,
        Education::JuniorMiddle,
        Education::SeniorMiddle,
        Education::College,
        Education::Bachelor,
        Education::Master,
        Education::Doctor,
    ];

    /// The names of the JSON contract and the policy files.
    pub fn name(self) -> &'static str {
        match self {
            Education::None => "none",
            Education::Primary => "primary",
            Education::JuniorMiddle => "junior_middle",
            Education::SeniorMiddle => "senior_middle",
            Education::College => "college",
            Education::Bachelor => "bachelor",
            Education::Master => "master",
            Education::Doctor => "doctor",
        }
    }

    pub fn parse(s: &str) -> Option<Education> {
        Education::ALL.into_iter().find(|e| e.name() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Education::None => "无学历",
            Education::Primary => "小学",
            Education::JuniorMiddle => "初中",
            Education::SeniorMiddle => "高中（中专）",
            Education::College => "大专",
            Education::Bachelor => "大学本科",
            Education::Master => "硕士研究生",
            Education::Doctor => "博士研究生",
        }
    }
}

impl fmt::Display for Education {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.zh())
    }
}

/// A degree as the measures count it: "全日制大专以上学历" needs both the
/// level and full-time study.
///
/// Two kinds of education (the 2026-12 contract, issue 17): `education` is
/// the highest level of any kind (在职教育 included); `full_time_level`,
/// when known, the highest level earned in full-time study (全日制). When
/// it is not known, the older record holds: `full_time` says whether
/// `education` was earned full-time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Degree {
    pub education: Education,
    pub full_time: bool,
    pub full_time_level: Option<Education>,
}

impl Degree {
    /// A degree of the older record: one level, and whether it was earned
    /// full-time.
    pub fn of_level(education: Education, full_time: bool) -> Degree {
        Degree {
            education,
            full_time,
            full_time_level: None,
        }
    }

    /// Whether this degree meets "全日制 `min` 以上" (full-time required when
    /// `full_time_required`; any kind of study otherwise). With the
    /// full-time level known it alone decides a full-time requirement,
    /// whatever `full_time` says.
    pub fn meets(self, min: Education, full_time_required: bool) -> bool {
        if !full_time_required {
            return self.education >= min || self.full_time_level.is_some_and(|l| l >= min);
        }
        match self.full_time_level {
            Some(level) => level >= min,
            None => self.education >= min && self.full_time,
        }
    }
}

//! Made-up Chinese names from common surnames and given-name characters.

use crate::rng::Rng;

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
];
const MALE: [&str; 20] = [
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "建", "国",
    "峰", "志", "波", "亮",
];
const FEMALE: [&str; 20] = [
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "红", "梅", "琳", "慧", "雪",
    "莉", "颖", "婷", "萍",
];

pub fn full_name(rng: &mut Rng, male: bool) -> String {
    let given = if male { &MALE } else { &FEMALE };
    let mut s = String::from(SURNAMES[rng.below(SURNAMES.len())]);
    s.push_str(given[rng.below(given.len())]);
    if rng.below(3) > 0 {
        s.push_str(given[rng.below(given.len())]);
    }
    s
}

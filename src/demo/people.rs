//! Chinese names, mobile and landline numbers for demo staff and customers.

use std::collections::HashSet;

use rand::seq::SliceRandom;
use rand::Rng;

// Weighted by repetition towards the surnames common in Zhejiang (王, 陈, 张,
// 李, 吴, 徐, 金, 俞, 应 …), so the lists look local rather than uniform.
const SURNAMES: &[&str] = &[
    "王", "王", "王", "陈", "陈", "陈", "陈", "张", "张", "张", "李", "李", "李", "吴", "吴", "徐",
    "徐", "周", "周", "黄", "黄", "金", "金", "杨", "朱", "朱", "方", "俞", "章", "应", "胡", "胡",
    "叶", "叶", "潘", "沈", "沈", "钱", "刘", "刘", "赵", "孙", "马", "林", "林", "郑", "何", "高",
    "罗", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "蒋", "蔡", "余", "杜", "程",
    "苏", "魏", "吕", "丁", "任", "姚", "卢", "姜", "钟", "陆", "汪", "范", "石", "夏", "毛", "邵",
    "楼", "董", "袁", "屠", "施", "戴", "严", "孔", "项", "裘", "顾", "鲍", "诸葛",
];

const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "斌", "鹏", "辉", "宇", "浩", "凯",
    "建国", "志强", "建华", "国平", "海峰", "晓东", "俊杰", "浩然", "子轩", "宇航", "振华", "永康",
    "立新", "文彬", "家豪", "一鸣", "天佑", "建军", "卫东", "晨阳", "思远", "博文", "明轩", "志伟",
    "国庆", "海涛", "伟民", "正阳", "嘉诚", "旭东", "益民", "承志",
];

const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "琳", "晶", "颖", "洁", "蕾", "倩",
    "秀英", "桂英", "丽华", "晓燕", "雅琴", "美玲", "佳怡", "欣怡", "梓涵", "思琪", "雨桐", "诗涵",
    "慧敏", "海燕", "丹丹", "晓红", "文静", "婉婷", "亚萍", "素芬", "月娥", "一诺", "可欣", "梦瑶",
];

// Mobile network prefixes in use in mainland China (1[3-9]x).
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180",
    "181", "182", "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
];

pub(crate) fn person_name(rng: &mut impl Rng) -> String {
    let surname = SURNAMES.choose(rng).copied().unwrap_or("王");
    let given = if rng.gen_bool(0.55) {
        GIVEN_MALE.choose(rng)
    } else {
        GIVEN_FEMALE.choose(rng)
    }
    .copied()
    .unwrap_or("伟");
    format!("{surname}{given}")
}

/// Hands out numbers that are unique across the whole data set, so a phone
/// lookup at call intake finds exactly the one customer or staff member.
#[derive(Default)]
pub(crate) struct PhoneBook {
    used: HashSet<String>,
}

impl PhoneBook {
    pub fn mobile(&mut self, rng: &mut impl Rng) -> String {
        loop {
            let prefix = MOBILE_PREFIXES.choose(rng).copied().unwrap_or("138");
            let number = format!("{prefix}{:08}", rng.gen_range(0..100_000_000u32));
            if self.used.insert(number.clone()) {
                return number;
            }
        }
    }

    /// A switchboard number in the normalised form `0571-88152288`.
    pub fn landline(&mut self, rng: &mut impl Rng, area_code: &str) -> String {
        loop {
            let number = format!("{area_code}-8{:07}", rng.gen_range(0..10_000_000u32));
            if self.used.insert(number.clone()) {
                return number;
            }
        }
    }
}

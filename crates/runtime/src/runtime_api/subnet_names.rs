//! Subnet names shown when a subnet has no identity name: entry `i` is netuid `i`'s default
//! name, `unknown` past the table (subtensor's `get_name_for_subnet`).

/// Number of default names.
pub const NAME_COUNT: usize = 439;

/// The default names, in netuid order.
#[rustfmt::skip]
pub const NAMES: [&str; NAME_COUNT] = [
    "root", "apex", "omron", "templar", "targon", "kaito", "infinite", "subvortex", // 0–7
    "ptn", "pretrain", "sturdy", "dippy", "horde", "dataverse", "palaidn", "deval", // 8–15
    "bitads", "3gen", "cortex", "inference", "bitagent", "any-any", "meta", "social", // 16–23
    "omega", "protein", "alchemy", "compute", "oracle", "coldint", "bet", "naschain", // 24–31
    "itsai", "ready", "mind", "logic", "automata", "tuning", "distributed", "edge", // 32–39
    "chunk", "sportsensor", "masa", "graphite", "score", "gen42", "neural", "condense", // 40–47
    "nextplace", "automl", "audio", "celium", "dojo", "frontier", "safescan", "unknown", // 48–55
    "gradients", "gaia", "dippy-speach", "agent-arena", "unknown", "red team", "agentao", "lean-in", // 56–63
    "chutes", "sad", "dad", "ta", "dha", "ain", "ghayn", "fa", // 64–71
    "qaf", "kaf", "lam", "mim", "nun", "ha", "waw", "ya", // 72–79
    "alef", "fehu", "uruz", "thurisaz", "ansuz", "raidho", "kaunan", "cyr_yeru", // 80–87
    "algiz", "berkanan", "ogham", "beith", "luis", "fearn", "sail", "nion", // 88–95
    "forfeda", "ani", "bani", "gani", "doni", "eni", "vini", "ayp", // 96–103
    "ben", "gim", "da", "ech", "za", "armeni", "grave", "io", // 104–111
    "dje", "gje", "ie", "dze", "hard_sign", "alfa", "alfas", "vida", // 112–119
    "vida_small", "gamma", "gamma_small", "brahmi_a", "brahmi_aa", "brahmi_i", "brahmi_ii", "brahmi_u", // 120–127
    "la", "va", "sha", "ssa", "sa", "ha", "glagolitic_az", "glagolitic_buky", // 128–135
    "glagolitic_vede", "glagolitic_glagoli", "glagolitic_dobro", "glagolitic_yest", "glagolitic_zhivete", "glagolitic_zemlja", "glagolitic_izhe", "glagolitic_initial_izhe", // 136–143
    "glagolitic_i", "glagolitic_djerv", "glagolitic_kako", "glagolitic_ljudije", "glagolitic_myse", "glagolitic_nash", "glagolitic_on", "glagolitic_pokoj", // 144–151
    "glagolitic_rtsy", "glagolitic_slovo", "glagolitic_tvrido", "glagolitic_uku", "glagolitic_fert", "glagolitic_xrivi", "glagolitic_ot", "glagolitic_cy", // 152–159
    "glagolitic_shcha", "glagolitic_er", "glagolitic_yeru", "glagolitic_small_yer", "glagolitic_yo", "glagolitic_yu", "glagolitic_ja", "thai_ko_kai", // 160–167
    "thai_kho_khai", "thai_kho_khuat", "thai_kho_khon", "thai_kho_rakhang", "thai_kho_khwai", "thai_ngo_ngu", "thai_cho_chan", "thai_cho_ching", // 168–175
    "thai_cho_chang", "thai_so_so", "thai_cho_choe", "thai_yo_ying", "thai_do_chada", "thai_to_patak", "thai_tho_than", "thai_tho_nangmontho", // 176–183
    "thai_tho_phuthao", "thai_no_nen", "thai_do_dek", "thai_to_tao", "thai_tho_thung", "thai_tho_thahan", "thai_tho_thong", "thai_no_nu", // 184–191
    "thai_bo_baimai", "thai_po_pla", "thai_pho_phung", "thai_fo_fa", "thai_pho_phan", "thai_fo_fan", "thai_pho_samphao", "thai_mo_ma", // 192–199
    "thai_yo_yak", "thai_ro_rua", "thai_lo_ling", "thai_wo_waen", "thai_so_sala", "thai_so_rusi", "thai_so_sua", "thai_ho_hip", // 200–207
    "thai_lo_chula", "thai_o_ang", "thai_ho_nokhuk", "hangul_giyeok", "hangul_nieun", "hangul_digeut", "hangul_rieul", "hangul_mieum", // 208–215
    "hangul_bieup", "hangul_siot", "hangul_ieung", "hangul_jieut", "hangul_chieut", "hangul_kieuk", "hangul_tieut", "hangul_pieup", // 216–223
    "hangul_hieut", "hangul_a", "hangul_ae", "hangul_ya", "hangul_yae", "hangul_eo", "hangul_e", "hangul_yeo", // 224–231
    "hangul_ye", "hangul_o", "hangul_wa", "hangul_wae", "hangul_oe", "hangul_yo", "hangul_u", "hangul_weo", // 232–239
    "hangul_we", "hangul_wi", "hangul_yu", "hangul_eu", "hangul_ui", "hangul_i", "ethiopic_glottal_a", "ethiopic_glottal_u", // 240–247
    "ethiopic_glottal_i", "ethiopic_glottal_aa", "ethiopic_glottal_e", "ethiopic_glottal_ie", "ethiopic_glottal_o", "ethiopic_glottal_wa", "ethiopic_wa", "ethiopic_wu", // 248–255
    "ethiopic_wi", "ethiopic_waa", "ethiopic_we", "ethiopic_wye", "ethiopic_wo", "ethiopic_ko", "ethiopic_ku", "ethiopic_ki", // 256–263
    "ethiopic_kua", "ethiopic_ke", "ethiopic_kwe", "ethiopic_ko_alt", "ethiopic_go", "ethiopic_gu", "ethiopic_gi", "ethiopic_gua", // 264–271
    "ethiopic_ge", "ethiopic_gwe", "ethiopic_go_alt", "devanagari_a", "devanagari_aa", "devanagari_i", "devanagari_ii", "devanagari_u", // 272–279
    "devanagari_uu", "devanagari_r", "devanagari_e", "devanagari_ai", "devanagari_o", "devanagari_au", "devanagari_ka", "devanagari_kha", // 280–287
    "devanagari_ga", "devanagari_gha", "devanagari_nga", "devanagari_cha", "devanagari_chha", "devanagari_ja", "devanagari_jha", "devanagari_nya", // 288–295
    "devanagari_ta", "devanagari_tha", "devanagari_da", "devanagari_dha", "devanagari_na", "devanagari_ta_alt", "devanagari_tha_alt", "devanagari_da_alt", // 296–303
    "devanagari_dha_alt", "devanagari_na_alt", "devanagari_pa", "devanagari_pha", "devanagari_ba", "devanagari_bha", "devanagari_ma", "devanagari_ya", // 304–311
    "devanagari_ra", "devanagari_la", "devanagari_va", "devanagari_sha", "devanagari_ssa", "devanagari_sa", "devanagari_ha", "katakana_a", // 312–319
    "kana_i", "kana_u", "kana_e", "kana_o", "kana_a", "kana_ki", "kana_ku", "kana_ke", // 320–327
    "kana_ko", "kana_sa", "kana_shi", "kana_su", "kana_se", "kana_so", "kana_ta", "kana_chi", // 328–335
    "kana_tsu", "kana_te", "kana_to", "kana_na", "kana_ni", "kana_nu", "kana_ne", "kana_no", // 336–343
    "kana_ha", "kana_hi", "kana_fu", "kana_he", "kana_ho", "kana_ma", "kana_mi", "kana_mu", // 344–351
    "kana_me", "kana_mo", "kana_ya", "kana_yu", "kana_yo", "kana_ra", "kana_ri", "kana_ru", // 352–359
    "kana_re", "kana_ro", "kana_wa", "kana_wo", "kana_n", "ya", "yab", "yabh", // 360–367
    "yag", "yagh", "yaj", "yach", "yad", "yadh", "yadhe", "yaz", // 368–375
    "yazh", "yaf", "yak", "yakv", "yaq", "yah", "yahh", "yahl", // 376–383
    "yahm", "yayn", "yakh", "yakl", "yahq", "yash", "yi", "yij", // 384–391
    "yizh", "yink", "yal", "yam", "yan", "yang", "yany", "yap", // 392–399
    "yu", "a", "aa", "i", "ii", "u", "uu", "r", // 400–407
    "rr", "l", "ll", "e", "ee", "ai", "o", "oo", // 408–415
    "au", "ka", "kha", "ga", "gha", "nga", "cha", "chha", // 416–423
    "ja", "jha", "nya", "ta", "tha", "da", "dha", "na", // 424–431
    "pa", "pha", "ba", "bha", "ma", "ya", "ra", // 432–438
];

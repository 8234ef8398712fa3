// The demo street office's fixed data: names from the seed articles (Cangzhou), categories, departments.

export const STREET_OFFICE = { name: '运河区西环中街街道', nameEn: 'Xihuan Zhongjie Street Office', lat: 38.30, lng: 116.85 };

/** 12 communities, laid out 4 × 3; each is cut into 3 × 2 grids. */
export const COMMUNITIES: Array<{ name: string; en: string; compounds: string[] }> = [
  { name: '金鼎社区', en: 'Jinding', compounds: ['鼎领域小区', '金鼎花园', '金鼎佳苑'] },
  { name: '名著社区', en: 'Mingzhu', compounds: ['名著家园', '书香苑', '文汇小区'] },
  { name: '朝阳南社区', en: 'Chaoyang South', compounds: ['朝阳南里', '向阳小区', '晨光公寓'] },
  { name: '育才路社区', en: 'Yucai Road', compounds: ['育才里', '师苑小区', '桃李园'] },
  { name: '青山社区', en: 'Qingshan', compounds: ['青山小区', '翠屏苑', '松林家园'] },
  { name: '欣怡社区', en: 'Xinyi', compounds: ['欣怡小区', '怡和苑', '欣园公寓'] },
  { name: '流津社区', en: 'Liujin', compounds: ['流津家园', '津河湾', '小流津河公园'] },
  { name: '和园社区', en: 'Heyuan', compounds: ['颐和新园小区', '和园里', '和谐家园'] },
  { name: '金辰园社区', en: 'Jinchenyuan', compounds: ['金辰园小区', '富恒公馆', '辰光苑'] },
  { name: '湘潭道社区', en: 'Xiangtan Road', compounds: ['湘潭里', '银泰公寓', '外贸小区'] },
  { name: '丹江里社区', en: 'Danjiangli', compounds: ['丹江里小区', '江畔花园', '明珠公寓'] },
  { name: '昔阳里社区', en: 'Xiyangli', compounds: ['昔阳里', '阳光家园', '新华小区'] },
];

export const COLS_PER_COMMUNITY = 3;
export const ROWS_PER_COMMUNITY = 2;
export const COMMUNITY_COLS = 4;
export const COMMUNITY_ROWS = 3;
/** Grid cell size in degrees: about 370 m × 500 m at 38.3°N. */
export const CELL_LNG = 0.0042;
export const CELL_LAT = 0.0045;

export interface CategorySeed { code: string; zh: string; en: string; urgency: 'normal' | 'urgent'; skill: string; responseMin: number; resolutionH: number; weight: number; texts: string[] }

/** Groups of categories on the residents' page and in Open311's service list. */
export const CATEGORY_GROUPS: Array<{ zh: string; en: string; codes: string[] }> = [
  { zh: '市容环境', en: 'Streets & tidiness', codes: ['clutter', 'parking', 'building', 'posters', 'pets'] },
  { zh: '公共设施', en: 'Public facilities', codes: ['road', 'manhole', 'streetlight', 'fitness', 'elevator'] },
  { zh: '安全隐患', en: 'Safety hazards', codes: ['wires', 'falling'] },
  { zh: '水电气暖', en: 'Water, power, gas, heating', codes: ['sewage', 'utilities'] },
  { zh: '民生服务', en: 'Help at home', codes: ['dispute', 'policy', 'elderly', 'ebike_repair', 'appliance_repair'] },
];
/** Requests about a household (its elderly, its dispute, its appliances) are never published with details or place. */
export const PRIVATE_CATEGORIES = ['dispute', 'policy', 'elderly', 'ebike_repair', 'appliance_repair'];

export interface AttributeSeed {
  category: string; code: string; datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean; zh: string; en: string; hint?: string; choices?: Array<{ key: string; zh: string; en: string }>;
}
/** The extra questions some categories ask (Open311 service definitions; the report form asks them too). */
export const CATEGORY_ATTRIBUTES: AttributeSeed[] = [
  { category: 'elevator', code: 'trapped', datatype: 'singlevaluelist', required: true, zh: '有人被困在电梯里吗？', en: 'Is anyone trapped inside?',
    choices: [{ key: 'yes', zh: '有人被困', en: 'Yes, someone is trapped' }, { key: 'no', zh: '没有人被困', en: 'No one is trapped' }] },
  { category: 'elevator', code: 'floor', datatype: 'number', required: false, zh: '电梯停在几楼？', en: 'Which floor is the elevator on?', hint: '楼层数字，如 6 · a floor number, e.g. 6' },
  { category: 'elevator', code: 'building', datatype: 'string', required: false, zh: '几号楼几单元？', en: 'Building and entrance', hint: '如 3号楼2单元 · e.g. building 3, entrance 2' },
  { category: 'utilities', code: 'utility', datatype: 'singlevaluelist', required: true, zh: '是哪一种问题？', en: 'Which supply?',
    choices: [{ key: 'water', zh: '停水/漏水', en: 'Water' }, { key: 'power', zh: '停电', en: 'Power' }, { key: 'gas', zh: '燃气（闻到燃气味请先开窗、勿开关电器）', en: 'Gas (smell of gas: open windows, touch no switches)' }, { key: 'heating', zh: '暖气不热', en: 'Heating' }] },
  { category: 'streetlight', code: 'pole', datatype: 'string', required: false, zh: '灯杆上的编号（如有）', en: 'Number on the pole (if any)' },
  { category: 'falling', code: 'floor', datatype: 'number', required: false, zh: '隐患在几楼？', en: 'On which floor?' },
];

export const CATEGORIES: CategorySeed[] = [
  { code: 'clutter', zh: '乱堆乱放', en: 'Garbage & clutter', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 24, weight: 14, texts: ['楼道堆放杂物影响通行', '垃圾桶满溢无人清运', '单元门口堆放装修垃圾'] },
  { code: 'parking', zh: '车乱停', en: 'Illegal parking', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 4, weight: 10, texts: ['车辆占用消防通道', '电动车堵住单元门口', '机动车停在人行道上'] },
  { code: 'wires', zh: '线乱拉·飞线充电', en: 'Flying wires / unsafe charging', urgency: 'urgent', skill: 'plumbing_electric', responseMin: 10, resolutionH: 4, weight: 8, texts: ['楼上飞线给电动车充电', '电线私拉乱接存在隐患', '楼道内电动车充电'] },
  { code: 'building', zh: '房乱搭', en: 'Illegal building', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 72, weight: 3, texts: ['一楼住户私搭棚子', '楼顶违建彩钢房'] },
  { code: 'posters', zh: '乱贴乱画', en: 'Graffiti & fly-posting', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 24, weight: 6, texts: ['墙面小广告较多', '电线杆上乱贴广告'] },
  { code: 'pets', zh: '宠物未拴绳', en: 'Pets off the leash', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 4, weight: 4, texts: ['小区内大型犬未拴绳', '遛狗不清理粪便'] },
  { code: 'road', zh: '道路破损', en: 'Broken road', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 72, weight: 5, texts: ['路面塌陷坑洼积水', '人行道地砖松动'] },
  { code: 'manhole', zh: '井盖缺失', en: 'Manhole cover', urgency: 'urgent', skill: 'general', responseMin: 5, resolutionH: 8, weight: 2, texts: ['路口井盖破损', '井盖缺失有人员坠落风险'] },
  { code: 'streetlight', zh: '路灯故障', en: 'Street light out', urgency: 'normal', skill: 'plumbing_electric', responseMin: 10, resolutionH: 48, weight: 6, texts: ['小区路灯不亮', '楼道声控灯损坏'] },
  { code: 'fitness', zh: '健身器材损坏', en: 'Fitness equipment', urgency: 'normal', skill: 'general', responseMin: 10, resolutionH: 72, weight: 3, texts: ['健身器材螺丝松动', '儿童滑梯破损'] },
  { code: 'elevator', zh: '电梯故障', en: 'Elevator failure', urgency: 'urgent', skill: 'property', responseMin: 5, resolutionH: 4, weight: 4, texts: ['电梯困人', '电梯停运老人无法下楼'] },
  { code: 'sewage', zh: '污水外溢', en: 'Sewage overflow', urgency: 'urgent', skill: 'plumbing_electric', responseMin: 10, resolutionH: 8, weight: 4, texts: ['下水道堵塞污水外溢', '化粪池冒溢'] },
  { code: 'utilities', zh: '水电气暖', en: 'Water / gas / heating', urgency: 'urgent', skill: 'plumbing_electric', responseMin: 10, resolutionH: 12, weight: 6, texts: ['家中暖气不热', '单元停水', '闻到燃气味'] },
  { code: 'falling', zh: '高空坠物隐患', en: 'Falling hazard', urgency: 'urgent', skill: 'general', responseMin: 10, resolutionH: 8, weight: 3, texts: ['空调外机护栏松动', '楼顶瓷砖脱落'] },
  { code: 'dispute', zh: '邻里纠纷', en: 'Neighbour dispute', urgency: 'normal', skill: 'mediation', responseMin: 10, resolutionH: 72, weight: 4, texts: ['楼上噪音扰民', '邻居占用公共空间'] },
  { code: 'policy', zh: '政策咨询', en: 'Policy question', urgency: 'normal', skill: 'legal', responseMin: 10, resolutionH: 48, weight: 4, texts: ['咨询高龄津贴办理', '咨询医保缴费'] },
  { code: 'elderly', zh: '助老助残', en: 'Help for elderly / disabled', urgency: 'normal', skill: 'elder_care', responseMin: 10, resolutionH: 24, weight: 5, texts: ['独居老人需要代购药品', '残疾人家庭需要上门帮扶'] },
  { code: 'ebike_repair', zh: '电动车维修', en: 'E-bike repair', urgency: 'normal', skill: 'repair_ebike', responseMin: 10, resolutionH: 24, weight: 3, texts: ['帮帮团：电动车刹车失灵', '电动车车胎漏气'] },
  { code: 'appliance_repair', zh: '家电维修', en: 'Appliance repair', urgency: 'normal', skill: 'repair_appliance', responseMin: 10, resolutionH: 48, weight: 3, texts: ['帮帮团：老人家洗衣机不转', '电饭锅不加热'] },
];

export const DEPARTMENTS = [
  { code: 'chengguan', zh: '城管', en: 'Urban management' },
  { code: 'zhujian', zh: '住建', en: 'Housing & construction' },
  { code: 'shizheng', zh: '市政', en: 'Municipal works' },
  { code: 'water', zh: '供水公司', en: 'Water supply' },
  { code: 'gas', zh: '燃气公司', en: 'Gas supply' },
  { code: 'power', zh: '供电公司', en: 'Power supply' },
  { code: 'police', zh: '派出所', en: 'Police station' },
  { code: 'property', zh: '物业公司', en: 'Property company' },
];

export const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎'.split('');
export const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉兰晓东海燕雪梅立新文博宏伟春梅俊凤'.split('');

export const DEMO_PASSWORD = 'demo1234';

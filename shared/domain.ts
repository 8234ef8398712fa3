// Enumerations of the organisation and the people in it; one source for server, client and tests.

export const ROLES = ['admin', 'duty', 'leader', 'manager', 'responder'] as const;
export type Role = (typeof ROLES)[number];
/** Roles that run the office and act on tickets (dispatch, escalate, close …). */
export const OFFICE_ROLES = ['admin', 'duty', 'leader'] as const satisfies readonly Role[];
/** The street office's staff: the office roles and the managers who read their figures. */
export const STAFF_ROLES = [...OFFICE_ROLES, 'manager'] as const satisfies readonly Role[];
/** Who may report a ticket from inside the product (residents report through their own public page). */
export const REPORTER_ROLES = [...OFFICE_ROLES, 'responder'] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '管理员', en: 'Administrator' },
  duty: { zh: '街道值班员', en: 'Duty staff' },
  leader: { zh: '网格长', en: 'Grid leader' },
  manager: { zh: '街道/社区领导', en: 'Manager' },
  responder: { zh: '网格员/志愿者', en: 'Responder' },
};

/**
 * Intake channels: those named in the seed articles, the residents' own page (/report, reached by a poster's QR code)
 * and the Open311 API (other systems' apps and servers).
 */
/** Channels a signed-in user may report through; the residents' page and Open311 have doors of their own. */
export const STAFF_CHANNELS = ['miniprogram', 'hotline', 'suggestion_box', 'door_knock', 'patrol', 'part_time', 'party_member'] as const;
export const CHANNELS = [...STAFF_CHANNELS, 'resident_page', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, { zh: string; en: string }> = {
  miniprogram: { zh: '小程序随手拍', en: 'Mini-program' },
  hotline: { zh: '书记联系卡热线', en: 'Hotline' },
  suggestion_box: { zh: '民意收集箱', en: 'Suggestion box' },
  door_knock: { zh: '敲门行动', en: 'Door-knocking' },
  patrol: { zh: '网格员巡查', en: 'Patrol' },
  part_time: { zh: '兼职网格员上报', en: 'Part-time worker' },
  party_member: { zh: '双报到党员', en: 'Party member' },
  resident_page: { zh: '居民扫码随手拍', en: "Residents' page" },
  open311: { zh: 'Open311 接口', en: 'Open311' },
};

export const RESPONDER_KINDS = ['fulltime', 'parttime', 'party_member', 'volunteer', 'building_head', 'property_staff', 'partner'] as const;
export type ResponderKind = (typeof RESPONDER_KINDS)[number];
export const RESPONDER_KIND_LABELS: Record<ResponderKind, { zh: string; en: string }> = {
  fulltime: { zh: '专职网格员', en: 'Full-time grid worker' },
  parttime: { zh: '兼职网格员', en: 'Part-time grid worker' },
  party_member: { zh: '双报到党员', en: 'Party member' },
  volunteer: { zh: '志愿者', en: 'Volunteer' },
  building_head: { zh: '楼门长', en: 'Building head' },
  property_staff: { zh: '物业人员', en: 'Property staff' },
  partner: { zh: '社区合伙人', en: 'Community partner' },
};

/** A responder's duty status; positions are only accepted and shown while not off duty. */
export const DUTY_STATUSES = ['off_duty', 'available', 'offered', 'en_route', 'on_site'] as const;
export type DutyStatus = (typeof DUTY_STATUSES)[number];
export const DUTY_STATUS_LABELS: Record<DutyStatus, { zh: string; en: string }> = {
  off_duty: { zh: '下班', en: 'Off duty' },
  available: { zh: '待命', en: 'Available' },
  offered: { zh: '派单中', en: 'Offered' },
  en_route: { zh: '前往中', en: 'En route' },
  on_site: { zh: '在现场', en: 'On site' },
};

export const SKILLS = ['general', 'repair_ebike', 'repair_appliance', 'haircut', 'clinic', 'legal', 'plumbing_electric', 'elder_care', 'mediation', 'property'] as const;
export type Skill = (typeof SKILLS)[number];
export const SKILL_LABELS: Record<Skill, { zh: string; en: string }> = {
  general: { zh: '综合', en: 'General' },
  repair_ebike: { zh: '电动车维修', en: 'E-bike repair' },
  repair_appliance: { zh: '家电维修', en: 'Appliance repair' },
  haircut: { zh: '理发', en: 'Haircut' },
  clinic: { zh: '义诊', en: 'Free clinic' },
  legal: { zh: '法律援助', en: 'Legal aid' },
  plumbing_electric: { zh: '水电维修', en: 'Plumbing/electrics' },
  elder_care: { zh: '助老服务', en: 'Elder care' },
  mediation: { zh: '矛盾调解', en: 'Mediation' },
  property: { zh: '物业协调', en: 'Property liaison' },
};

export const URGENCIES = ['normal', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

/** Masks a phone number for screens that must not show it in full (PIPL): 138****5678. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length < 8) return digits.slice(0, 1) + '*'.repeat(digits.length - 3) + digits.slice(-2);
  return digits.slice(0, 3) + '****' + digits.slice(-4);
}

/** Phone numbers inside free text (a hotline note that quotes a number), each masked as maskPhone does. */
export function maskPhonesIn(text: string): string {
  return text.replace(/(?<!\d)(?:1[3-9]\d[ -]?\d{4}[ -]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)/g, (m) => maskPhone(m.replace(/[ -]/g, '')) ?? m);
}

/** Masks a personal name for shared screens: 张** . */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = [...name.trim()];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(Math.min(chars.length - 1, 2));
}

/** Chinese compound family names (复姓): the handler's family name is these two characters, not the first one. */
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '夏侯', '长孙', '宇文', '司徒', '轩辕', '端木', '独孤', '南宫', '西门', '呼延'];

/** The family name alone (王 of 王建国, 欧阳 of 欧阳娜娜): what a resident's tracking page may show of a handler. */
export function familyName(name: string | null | undefined): string | null {
  const n = name?.trim();
  if (!n) return null;
  const compound = COMPOUND_SURNAMES.find((s) => n.startsWith(s) && [...n].length > 2);
  if (compound) return compound;
  if (!/^\p{Script=Han}/u.test(n)) return [...n][0].toUpperCase() + '.';
  return [...n][0];
}

import type { Random } from './random'

/** A generated person: the Chinese name and its pinyin, from which e-mail handles are made. */
export interface PersonName {
  /** 张伟, 欧阳晓宁 */
  full: string
  surnamePinyin: string
  givenPinyin: string
  gender: 'male' | 'female'
}

/** [surname, pinyin, share in ‰ of the population] — the common surnames, roughly by frequency. */
const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['王', 'wang', 71], ['李', 'li', 70], ['张', 'zhang', 68], ['刘', 'liu', 54], ['陈', 'chen', 46],
  ['杨', 'yang', 31], ['黄', 'huang', 22], ['赵', 'zhao', 21], ['吴', 'wu', 20], ['周', 'zhou', 19],
  ['徐', 'xu', 13], ['孙', 'sun', 13], ['马', 'ma', 12], ['朱', 'zhu', 11], ['胡', 'hu', 10],
  ['郭', 'guo', 10], ['何', 'he', 9], ['高', 'gao', 9], ['林', 'lin', 9], ['罗', 'luo', 8],
  ['郑', 'zheng', 8], ['梁', 'liang', 7], ['谢', 'xie', 6], ['宋', 'song', 5], ['唐', 'tang', 5],
  ['许', 'xu', 5], ['韩', 'han', 5], ['冯', 'feng', 5], ['邓', 'deng', 5], ['曹', 'cao', 4],
  ['彭', 'peng', 4], ['曾', 'zeng', 4], ['肖', 'xiao', 4], ['田', 'tian', 4], ['董', 'dong', 4],
  ['袁', 'yuan', 3], ['潘', 'pan', 3], ['于', 'yu', 3], ['蒋', 'jiang', 3], ['蔡', 'cai', 3],
  ['余', 'yu', 3], ['杜', 'du', 3], ['叶', 'ye', 3], ['程', 'cheng', 3], ['苏', 'su', 3],
  ['魏', 'wei', 3], ['吕', 'lv', 3], ['丁', 'ding', 3], ['任', 'ren', 3], ['沈', 'shen', 3],
  ['姚', 'yao', 2], ['卢', 'lu', 2], ['姜', 'jiang', 2], ['崔', 'cui', 2], ['钟', 'zhong', 2],
  ['谭', 'tan', 2], ['陆', 'lu', 2], ['汪', 'wang', 2], ['范', 'fan', 2], ['金', 'jin', 2],
  ['石', 'shi', 2], ['廖', 'liao', 2], ['贾', 'jia', 2], ['夏', 'xia', 2], ['韦', 'wei', 2],
  ['付', 'fu', 2], ['方', 'fang', 2], ['白', 'bai', 2], ['邹', 'zou', 2], ['孟', 'meng', 2],
  ['熊', 'xiong', 2], ['秦', 'qin', 2], ['邱', 'qiu', 2], ['江', 'jiang', 2], ['尹', 'yin', 2],
  ['薛', 'xue', 2], ['闫', 'yan', 2], ['段', 'duan', 2], ['雷', 'lei', 2], ['侯', 'hou', 2],
  ['龙', 'long', 2], ['史', 'shi', 2], ['欧阳', 'ouyang', 0.5], ['上官', 'shangguan', 0.2], ['司马', 'sima', 0.2],
]

type GivenName = readonly [string, string]

/** Single-character given names (张伟, 王芳), still very common. */
const MALE_SINGLE: readonly GivenName[] = [
  ['伟', 'wei'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['勇', 'yong'], ['杰', 'jie'],
  ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['刚', 'gang'], ['平', 'ping'], ['辉', 'hui'], ['鹏', 'peng'],
  ['华', 'hua'], ['飞', 'fei'], ['鑫', 'xin'], ['波', 'bo'], ['斌', 'bin'], ['宇', 'yu'], ['浩', 'hao'],
  ['凯', 'kai'], ['健', 'jian'], ['俊', 'jun'], ['帆', 'fan'], ['峰', 'feng'], ['亮', 'liang'], ['毅', 'yi'],
]

const FEMALE_SINGLE: readonly GivenName[] = [
  ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['艳', 'yan'], ['娟', 'juan'],
  ['霞', 'xia'], ['玲', 'ling'], ['婷', 'ting'], ['雪', 'xue'], ['慧', 'hui'], ['莉', 'li'], ['倩', 'qian'],
  ['琳', 'lin'], ['颖', 'ying'], ['晶', 'jing'], ['欣', 'xin'], ['萍', 'ping'], ['燕', 'yan'], ['洁', 'jie'],
  ['琴', 'qin'], ['蕾', 'lei'], ['薇', 'wei'], ['璐', 'lu'], ['瑶', 'yao'], ['丹', 'dan'], ['梅', 'mei'],
]

/** Two-character given names as they actually occur, across generations (建国 … 子轩). */
const MALE_DOUBLE: readonly GivenName[] = [
  ['建国', 'jianguo'], ['志强', 'zhiqiang'], ['晓东', 'xiaodong'], ['海涛', 'haitao'], ['俊杰', 'junjie'],
  ['子轩', 'zixuan'], ['浩然', 'haoran'], ['宇航', 'yuhang'], ['明辉', 'minghui'], ['建华', 'jianhua'],
  ['文博', 'wenbo'], ['天宇', 'tianyu'], ['振宇', 'zhenyu'], ['家豪', 'jiahao'], ['思远', 'siyuan'],
  ['鹏飞', 'pengfei'], ['立新', 'lixin'], ['永刚', 'yonggang'], ['国庆', 'guoqing'], ['春生', 'chunsheng'],
  ['建军', 'jianjun'], ['晓峰', 'xiaofeng'], ['浩宇', 'haoyu'], ['博文', 'bowen'], ['睿哲', 'ruizhe'],
  ['一鸣', 'yiming'], ['泽宇', 'zeyu'], ['嘉诚', 'jiacheng'], ['志远', 'zhiyuan'], ['文杰', 'wenjie'],
  ['卫东', 'weidong'], ['德明', 'deming'], ['少华', 'shaohua'], ['新宇', 'xinyu'], ['晨阳', 'chenyang'],
  ['海波', 'haibo'], ['建平', 'jianping'], ['永强', 'yongqiang'], ['志刚', 'zhigang'], ['兴华', 'xinghua'],
  ['宏伟', 'hongwei'], ['国栋', 'guodong'], ['子豪', 'zihao'], ['宇轩', 'yuxuan'], ['梓睿', 'zirui'],
  ['明远', 'mingyuan'], ['凯文', 'kaiwen'], ['俊熙', 'junxi'], ['金龙', 'jinlong'], ['学军', 'xuejun'],
]

const FEMALE_DOUBLE: readonly GivenName[] = [
  ['秀英', 'xiuying'], ['桂英', 'guiying'], ['丽娟', 'lijuan'], ['晓燕', 'xiaoyan'], ['婷婷', 'tingting'],
  ['雪梅', 'xuemei'], ['慧敏', 'huimin'], ['静怡', 'jingyi'], ['欣怡', 'xinyi'], ['梓涵', 'zihan'],
  ['雨涵', 'yuhan'], ['思琪', 'siqi'], ['佳怡', 'jiayi'], ['诗涵', 'shihan'], ['梦琪', 'mengqi'],
  ['晓丽', 'xiaoli'], ['丽华', 'lihua'], ['淑芬', 'shufen'], ['红梅', 'hongmei'], ['美玲', 'meiling'],
  ['海燕', 'haiyan'], ['玉兰', 'yulan'], ['春梅', 'chunmei'], ['文静', 'wenjing'], ['晓娟', 'xiaojuan'],
  ['晶晶', 'jingjing'], ['丹丹', 'dandan'], ['雅琴', 'yaqin'], ['婉清', 'wanqing'], ['心怡', 'xinyi'],
  ['可欣', 'kexin'], ['一诺', 'yinuo'], ['雨欣', 'yuxin'], ['佳琪', 'jiaqi'], ['晓雪', 'xiaoxue'],
  ['月华', 'yuehua'], ['凤英', 'fengying'], ['秀兰', 'xiulan'], ['玉梅', 'yumei'], ['晓红', 'xiaohong'],
  ['丽萍', 'liping'], ['艳红', 'yanhong'], ['爱华', 'aihua'], ['琳琳', 'linlin'], ['倩倩', 'qianqian'],
  ['悦然', 'yueran'], ['思雨', 'siyu'], ['雅婷', 'yating'], ['美华', 'meihua'], ['素芳', 'sufang'],
]

/** Share of people with a one-character given name. */
const SINGLE_GIVEN_SHARE = 0.3

export function randomPersonName(random: Random): PersonName {
  const [surname, surnamePinyin] = random.weighted(SURNAMES.map(([s, p, w]) => [[s, p] as const, w] as const))
  const gender = random.chance(0.5) ? 'male' : 'female'
  const single = random.chance(SINGLE_GIVEN_SHARE)
  const pool = gender === 'male' ? (single ? MALE_SINGLE : MALE_DOUBLE) : single ? FEMALE_SINGLE : FEMALE_DOUBLE
  const [given, givenPinyin] = random.pick(pool)
  return { full: surname + given, surnamePinyin, givenPinyin, gender }
}

/** Draws until the name is not in `taken`, then records it there. */
export function uniquePersonName(random: Random, taken: Set<string>, maxAttempts = 1000): PersonName {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const name = randomPersonName(random)
    if (!taken.has(name.full)) {
      taken.add(name.full)
      return name
    }
  }
  throw new Error(`Could not draw a person name not already taken after ${maxAttempts} attempts`)
}

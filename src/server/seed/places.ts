/** Cities the demo customers live in, weighted roughly by population, with their area codes. */
export interface City {
  /** Without the 市 suffix: 北京, 深圳. */
  name: string
  pinyin: string
  /** Trunk 0 included, as dialled at home: 010, 0755. */
  areaCode: string
  weight: number
}

export const CITIES: readonly City[] = [
  { name: '北京', pinyin: 'beijing', areaCode: '010', weight: 12 },
  { name: '上海', pinyin: 'shanghai', areaCode: '021', weight: 12 },
  { name: '广州', pinyin: 'guangzhou', areaCode: '020', weight: 9 },
  { name: '深圳', pinyin: 'shenzhen', areaCode: '0755', weight: 9 },
  { name: '天津', pinyin: 'tianjin', areaCode: '022', weight: 5 },
  { name: '重庆', pinyin: 'chongqing', areaCode: '023', weight: 6 },
  { name: '成都', pinyin: 'chengdu', areaCode: '028', weight: 7 },
  { name: '武汉', pinyin: 'wuhan', areaCode: '027', weight: 6 },
  { name: '杭州', pinyin: 'hangzhou', areaCode: '0571', weight: 6 },
  { name: '南京', pinyin: 'nanjing', areaCode: '025', weight: 5 },
  { name: '西安', pinyin: 'xian', areaCode: '029', weight: 5 },
  { name: '苏州', pinyin: 'suzhou', areaCode: '0512', weight: 4 },
  { name: '郑州', pinyin: 'zhengzhou', areaCode: '0371', weight: 4 },
  { name: '长沙', pinyin: 'changsha', areaCode: '0731', weight: 4 },
  { name: '沈阳', pinyin: 'shenyang', areaCode: '024', weight: 3 },
  { name: '青岛', pinyin: 'qingdao', areaCode: '0532', weight: 3 },
  { name: '济南', pinyin: 'jinan', areaCode: '0531', weight: 3 },
  { name: '合肥', pinyin: 'hefei', areaCode: '0551', weight: 3 },
  { name: '福州', pinyin: 'fuzhou', areaCode: '0591', weight: 2 },
  { name: '厦门', pinyin: 'xiamen', areaCode: '0592', weight: 2 },
  { name: '昆明', pinyin: 'kunming', areaCode: '0871', weight: 2 },
  { name: '南宁', pinyin: 'nanning', areaCode: '0771', weight: 2 },
  { name: '哈尔滨', pinyin: 'haerbin', areaCode: '0451', weight: 2 },
  { name: '石家庄', pinyin: 'shijiazhuang', areaCode: '0311', weight: 2 },
]

export const CITY_WEIGHTS: readonly (readonly [City, number])[] = CITIES.map((city) => [city, city.weight])

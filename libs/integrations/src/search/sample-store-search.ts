import { ImageCandidate, StoreCandidate, StoreSearch } from './store-search';

/** Made-up stores, so search works offline (the embedded default). */
const SAMPLE: StoreCandidate[] = [
  {
    name: '해운대 할매국밥',
    category: '한식>국밥',
    address: '부산광역시 해운대구 우동 123',
    roadAddress: '부산광역시 해운대구 해운대로 1',
    phone: '051-123-4567',
    latitude: 35.1631,
    longitude: 129.1635,
    link: null,
  },
  {
    name: '서면 떡볶이 연구소',
    category: '분식>떡볶이',
    address: '부산광역시 부산진구 부전동 45',
    roadAddress: '부산광역시 부산진구 서면로 10',
    phone: '051-222-3333',
    latitude: 35.1577,
    longitude: 129.0594,
    link: null,
  },
  {
    name: '전포 로스터리 카페',
    category: '카페,디저트>카페',
    address: '부산광역시 부산진구 전포동 77',
    roadAddress: '부산광역시 부산진구 전포대로 20',
    phone: '051-444-5555',
    latitude: 35.1554,
    longitude: 129.0653,
    link: null,
  },
  {
    name: '광안리 조개구이',
    category: '한식>조개요리',
    address: '부산광역시 수영구 광안동 200',
    roadAddress: '부산광역시 수영구 광안해변로 100',
    phone: '051-666-7777',
    latitude: 35.1532,
    longitude: 129.1187,
    link: null,
  },
  {
    name: '연남동 파스타 공방',
    category: '양식>이탈리아음식',
    address: '서울특별시 마포구 연남동 12',
    roadAddress: '서울특별시 마포구 동교로 30',
    phone: '02-123-9876',
    latitude: 37.5617,
    longitude: 126.9236,
    link: null,
  },
  {
    name: '망원 수제버거',
    category: '양식>햄버거',
    address: '서울특별시 마포구 망원동 34',
    roadAddress: '서울특별시 마포구 포은로 5',
    phone: '02-333-1212',
    latitude: 37.5559,
    longitude: 126.9015,
    link: null,
  },
  {
    name: '성수 베이글 하우스',
    category: '카페,디저트>베이커리',
    address: '서울특별시 성동구 성수동2가 56',
    roadAddress: '서울특별시 성동구 연무장길 8',
    phone: '02-555-3434',
    latitude: 37.5445,
    longitude: 127.0557,
    link: null,
  },
  {
    name: '전주 콩나물국밥 명가',
    category: '한식>국밥',
    address: '전북특별자치도 전주시 완산구 중앙동 3',
    roadAddress: '전북특별자치도 전주시 완산구 팔달로 1',
    phone: '063-777-8888',
    latitude: 35.8175,
    longitude: 127.1478,
    link: null,
  },
];

export class SampleStoreSearch extends StoreSearch {
  readonly name = 'sample';

  async search(query: string): Promise<StoreCandidate[]> {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return SAMPLE.filter((s) =>
      words.every((w) =>
        `${s.name} ${s.category} ${s.address} ${s.roadAddress}`.toLowerCase().includes(w),
      ),
    ).slice(0, 5);
  }

  /** Offline there is no image search: the owner uploads photos instead. */
  async images(): Promise<ImageCandidate[]> {
    return [];
  }
}

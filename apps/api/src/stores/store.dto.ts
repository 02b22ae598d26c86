import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsLatitude,
  IsLongitude,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull, IsOptionalOrNull } from '../http/optional-not-null';
import { STORE_SOURCES, StoreEntity, StoreSource } from '@app/domain';
import { PageDto } from '../http/pagination';
import { responseSchemaOf } from '../http/response-schema';

export class MenuItemDto {
  @ApiProperty({ example: '돼지국밥' }) @IsString() @IsNotEmpty() @MaxLength(60) name: string;
  @ApiPropertyOptional({ example: '9,000원' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(30)
  price?: string;
}

/** A menu item as a client sends it: the price as text, or as a number of won. */
export class MenuItemInputDto {
  @ApiProperty({ example: '돼지국밥' }) @IsString() @IsNotEmpty() @MaxLength(60) name: string;
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', maxLength: 30, example: '9,000원' },
      { type: 'integer', minimum: 0, example: 9000 },
    ],
    description:
      'text as the owner writes it, or a number of won; a number (or digits only) is stored as "9,000원"',
  })
  @IsOptionalNotNull()
  @ValidateBy({
    name: 'isMenuPrice',
    validator: {
      validate: (v: unknown) =>
        (typeof v === 'string' && v.length <= 30) ||
        (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0),
      defaultMessage: () => 'price must be text of at most 30 characters or a whole number of won',
    },
  })
  price?: string | number;
}

export class CreateStoreDto {
  @ApiProperty({ example: '해운대 할매국밥' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
  @ApiPropertyOptional({ nullable: true, example: '한식>국밥' })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(200)
  category?: string;
  @ApiPropertyOptional({ nullable: true, example: '부산광역시 해운대구 우동 123' })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(300)
  address?: string;
  @ApiPropertyOptional({ nullable: true, example: '부산광역시 해운대구 해운대로 1' })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(300)
  roadAddress?: string;
  @ApiPropertyOptional({ nullable: true, example: '051-123-4567' })
  @IsOptionalOrNull()
  @Matches(/^[0-9+\-() ]{3,40}$/, {
    message: 'phone must contain digits, spaces, +, -, ( or ) only',
  })
  phone?: string;
  @ApiPropertyOptional({ nullable: true, example: 35.1631 })
  @IsOptionalOrNull()
  @IsLatitude()
  latitude?: number;
  @ApiPropertyOptional({ nullable: true, example: 129.1635 })
  @IsOptionalOrNull()
  @IsLongitude()
  longitude?: number;
  @ApiPropertyOptional({ nullable: true, example: '3대째 이어온 국밥집' })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(2000)
  description?: string;
  @ApiPropertyOptional({ nullable: true, type: [MenuItemInputDto] })
  @IsOptionalOrNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => MenuItemInputDto)
  menu?: MenuItemInputDto[];
  @ApiPropertyOptional({ nullable: true, example: '매일 09:00-21:00' })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(300)
  hours?: string;
  @ApiPropertyOptional({
    nullable: true,
    description: "the owner's own words for the ad",
    example: '새벽에 끓인 진한 육수',
  })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(1000)
  pitch?: string;
}

export class CreateStoreFromSearchDto extends CreateStoreDto {
  @ApiPropertyOptional({
    enum: STORE_SOURCES,
    enumName: 'StoreSource',
    default: 'manual',
    description: 'set when the facts come from GET /v1/stores/search',
  })
  @IsOptionalNotNull()
  @IsIn(STORE_SOURCES)
  source?: StoreSource;
  @ApiPropertyOptional({
    nullable: true,
    description: "the search result's link",
    example: 'https://map.naver.com/...',
  })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(500)
  sourceRef?: string;
  @ApiPropertyOptional({
    nullable: true,
    description:
      'a search result posted as it is: its link, kept as sourceRef when sourceRef is not given',
    example: 'https://map.naver.com/...',
  })
  @IsOptionalOrNull()
  @IsString()
  @MaxLength(500)
  link?: string;
}

// a field left out stays as it is; null clears it (the name, required, cannot be cleared)
export class UpdateStoreDto extends PartialType(CreateStoreDto, { skipNullProperties: false }) {}

export class StoreSearchQuery {
  @ApiProperty({ example: '해운대 국밥', description: 'store name, with a place to narrow it' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  query: string;
}

/** Where a store is and how to reach it: shared by search results and our stores. */
export class StorePlaceDto {
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) category: string | null;
  @ApiProperty({ nullable: true, type: String }) address: string | null;
  @ApiProperty({ nullable: true, type: String }) roadAddress: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty({ nullable: true, type: Number }) latitude: number | null;
  @ApiProperty({ nullable: true, type: Number }) longitude: number | null;
}

export class StoreCandidateDto extends StorePlaceDto {
  @ApiProperty({ nullable: true, type: String }) link: string | null;
}

export class StoreSearchResultDto {
  @ApiProperty({ type: [StoreCandidateDto], description: 'at most 5' }) items: StoreCandidateDto[];
  @ApiProperty({
    enum: STORE_SOURCES,
    enumName: 'StoreSource',
    description: 'pass it on to POST /v1/stores',
  })
  source: StoreSource;
}

export class StoreDto extends StorePlaceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty({ nullable: true, type: [MenuItemDto] }) menu: MenuItemDto[] | null;
  @ApiProperty({ nullable: true, type: String }) hours: string | null;
  @ApiProperty({ nullable: true, type: String }) pitch: string | null;
  @ApiProperty({ enum: STORE_SOURCES, enumName: 'StoreSource' }) source: StoreSource;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(s: StoreEntity): StoreDto {
    return {
      id: s.id,
      name: s.name,
      category: s.category,
      address: s.address,
      roadAddress: s.roadAddress,
      phone: s.phone,
      latitude: s.latitude,
      longitude: s.longitude,
      description: s.description,
      menu: s.menu,
      hours: s.hours,
      pitch: s.pitch,
      source: s.source,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

/** Fastify's serializer of a new store (fast-json-stringify), from its documented schema. */
export const STORE_CREATED_RESPONSE = { 201: responseSchemaOf(StoreDto) };

export class StorePageDto extends PageDto<StoreDto> {
  @ApiProperty({ type: [StoreDto] }) declare items: StoreDto[];
}

export class ImageCandidateDto {
  @ApiProperty({ example: '할매국밥 돼지국밥' }) title: string;
  @ApiProperty({ description: 'import it with POST /v1/stores/{id}/photos/import' }) url: string;
  @ApiProperty() thumbnailUrl: string;
  @ApiProperty({ nullable: true, type: Number }) width: number | null;
  @ApiProperty({ nullable: true, type: Number }) height: number | null;
}

export class ImageCandidateListDto {
  @ApiProperty({ type: [ImageCandidateDto] }) items: ImageCandidateDto[];
  @ApiProperty({ example: 'naver', description: 'sample (offline) finds none' }) source: string;
}

export class PlaceDetailsDto {
  @ApiProperty({ description: 'false when the details cannot be fetched; reason says why' })
  available: boolean;
  @ApiPropertyOptional({
    example: 'the store has no web page to read details from: enter the menu and hours by hand',
  })
  reason?: string;
  @ApiPropertyOptional({ description: 'the page the details came from' }) source?: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Mo-Su 09:00-21:00' }) hours?:
    string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) phone?: string | null;
  @ApiPropertyOptional({ type: [MenuItemDto] }) menu?: MenuItemDto[];
  @ApiPropertyOptional({ type: [String] }) photos?: string[];
}

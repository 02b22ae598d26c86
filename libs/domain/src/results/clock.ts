import { Injectable } from '@nestjs/common';

/**
 * The time the reading of results goes by (when a video is due, which quota day it is). A
 * provider of its own so a test can move it forward instead of waiting hours.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

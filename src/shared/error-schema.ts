import { z } from 'zod'
import { errorCodes } from './errors'

export const ErrorCodeSchema = z.enum(errorCodes)

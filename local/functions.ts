// Every function of the stack, by the name the declarations use; local mode builds each with its own deps.

import * as directoryApi from '#functions/directory/http.ts'
import * as mattersApi from '#functions/matters/http.ts'
import * as dispatcher from '#functions/notifications/dispatch.ts'
import * as notificationsApi from '#functions/notifications/http.ts'
import * as outboxPublisher from '#functions/outbox/publish.ts'
import * as timerConsumer from '#functions/scheduling/fire.ts'
import * as sweeper from '#functions/scheduling/sweep.ts'
import * as visitsApi from '#functions/visits/http.ts'
import * as visitPlanner from '#functions/visits/plan.ts'

export const functionModules = {
  'matters-api': mattersApi,
  'directory-api': directoryApi,
  'visits-api': visitsApi,
  'notifications-api': notificationsApi,
  'outbox-publisher': outboxPublisher,
  'visit-planner': visitPlanner,
  'timer-sweeper': sweeper,
  'timer-consumer': timerConsumer,
  'notification-dispatcher': dispatcher,
} as const

import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './theme.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { signedOut } from './api'
import CommunityPicker from './components/CommunityPicker.vue'
import LoadMore from './components/LoadMore.vue'
import SzScreen from './components/SzScreen.vue'
import { router } from './router'

const app = createApp(App)
app.use(createPinia())
app.use(router)
app.use(ElementPlus)
app.component('SzScreen', SzScreen)
app.component('CommunityPicker', CommunityPicker)
app.component('LoadMore', LoadMore)
// A refused refresh (the session ended elsewhere) brings the sign-in screen back.
signedOut.handler = () => {
  void router.replace({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
}
app.mount('#app')

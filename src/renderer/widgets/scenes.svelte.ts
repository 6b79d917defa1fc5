// Scenes in the window: the mounted view offers its part of a scene (what it shows), saving puts
// that together with the model and the window; opening checks the model, routes to the view and
// hands it its part once. Views never import each other, so they meet here (App and the scene
// bar above them, each view below).
import { untrack } from 'svelte';
import { SCENE_FORMAT, SCENE_VERSION, sizeClassOf, type Scene, type SceneView, type SceneViewOf } from '../../shared/scene';
import { library } from '../engine-client/library.svelte';
import { chooseModel } from './model-choice.svelte';

/** Why an opened scene waits for the user: its model is not in the library, or not the same any more. */
export interface SceneProblem {
  scene: Scene;
  why: 'missing' | 'changed';
  /** One line saying so, and what the user can do. */
  message: string;
}

class Scenes {
  /** The scene being opened: its view takes its part (`take`) once it shows the scene's model. */
  opening = $state.raw<Scene | null>(null);
  /** An opened scene whose model is missing or changed, until the user picks a model or gives up. */
  problem = $state.raw<SceneProblem | null>(null);
  private provider: { name: SceneView['name']; capture: () => SceneView; modelId: () => string | null } | null = null;

  /**
   * The mounted view offers what it shows: `capture` returns its part of a scene, `modelId` the
   * model it shows (null: the open one). Returns the call that withdraws the offer (on unmount).
   */
  provide(name: SceneView['name'], capture: () => SceneView, modelId: () => string | null = () => null): () => void {
    const provider = { name, capture, modelId };
    this.provider = provider;
    return () => {
      if (this.provider === provider) this.provider = null;
    };
  }

  /** The scene of what the window shows now, or null when the view has nothing to save. Its `savedAt` is now. */
  capture(route: string): Scene | null {
    const view: SceneView | null = this.provider ? this.provider.capture() : route === 'library' || route === 'training' ? { name: route } : null;
    if (!view) return null;
    const id = this.provider?.modelId() ?? library.currentId;
    const model = library.models.find((m) => m.id === id) ?? null;
    return {
      format: SCENE_FORMAT,
      version: SCENE_VERSION,
      savedAt: new Date().toISOString(),
      model: model ? { id: model.id, name: model.name, checksum: model.checksum } : null,
      window: { sizeClass: sizeClassOf(window.innerWidth), width: window.innerWidth, height: window.innerHeight },
      view,
    };
  }

  /**
   * Opens a parsed scene: when its model is in the library unchanged (or `modelId` names the one
   * the user picked instead), opens that model, goes to the scene's view and leaves the view's
   * part for it to take; otherwise sets `problem` and changes nothing.
   */
  open(scene: Scene, modelId?: string): void {
    const wanted = modelId ?? scene.model?.id ?? null;
    const model = wanted ? library.models.find((m) => m.id === wanted) : null;
    if (scene.model && !modelId) {
      if (!model) {
        this.problem = { scene, why: 'missing', message: `This scene's model "${scene.model.name}" (${scene.model.id}) is not in the library: pick another model to show it with, or import or move the model back and open the scene again.` };
        return;
      }
      if (model.checksum !== scene.model.checksum) {
        this.problem = { scene, why: 'changed', message: `"${model.name}" has changed since this scene was saved (its weights differ), so the view may not look the same: open it anyway, or pick another model.` };
        return;
      }
    }
    this.problem = null;
    if (model) {
      library.open(model.id);
      chooseModel(scene.view.name, model.id);
    }
    this.opening = modelId ? { ...scene, model: model ? { id: model.id, name: model.name, checksum: model.checksum } : null } : scene;
    location.hash = `#/${scene.view.name}`;
  }

  /** The view's part of the scene being opened, handed over once; null when none waits for `name` showing `modelId`. */
  take<N extends SceneView['name']>(name: N, modelId: string | null): SceneViewOf<N> | null {
    const scene = this.opening;
    if (!scene || scene.view.name !== name || (scene.model && scene.model.id !== modelId)) return null;
    this.opening = null;
    return scene.view as SceneViewOf<N>;
  }
}

export const scenes = new Scenes();

/**
 * Called while a view sets up: offers its part of a scene (`capture`; `modelId` names the model it
 * shows), and restores the part of a scene being opened (`restore`, once) as soon as it shows that
 * scene's model and `ready()` says what it restores onto is there (e.g. the map's encodings).
 */
export function sceneView<N extends SceneView['name']>(
  name: N,
  capture: () => SceneViewOf<N>,
  modelId: () => string | null,
  restore: (part: SceneViewOf<N>) => void,
  ready: () => boolean = () => true
): void {
  $effect(() => scenes.provide(name, capture, modelId));
  $effect(() => {
    const id = modelId();
    if (scenes.opening?.view.name !== name || !id || !ready()) return;
    const part = untrack(() => scenes.take(name, id));
    if (part) untrack(() => restore(part));
  });
}

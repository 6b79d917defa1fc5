# The same spike for vae-mlp-20 (see ae_mlp_8.py): the reference VAE's training step (BCE-sum + KL,
# Adam) as one TensorFlow graph, the noise ε fed per step.
#   TF_NUM_INTRAOP_THREADS=1 /tmp/tfvenv/bin/python bench/graph-step/vae_mlp_20.py /tmp/graph-step/vae-mlp-20
import sys
import tensorflow as tf
B=128
class Step(tf.Module):
    def __init__(self):
        super().__init__()
        init=tf.keras.initializers.GlorotUniform(seed=1)
        shapes={'fc1':(784,400),'fc21':(400,20),'fc22':(400,20),'fc3':(20,400),'fc4':(400,784)}
        self.w={k:tf.Variable(init(s),name=k+'w') for k,s in shapes.items()}
        self.b={k:tf.Variable(tf.zeros([s[1]]),name=k+'b') for k,s in shapes.items()}
        vs=list(self.w.values())+list(self.b.values())
        self.vs=vs
        self.m=[tf.Variable(tf.zeros_like(v)) for v in vs]
        self.v=[tf.Variable(tf.zeros_like(v)) for v in vs]
        self.t=tf.Variable(0.0)
    @tf.function(input_signature=[tf.TensorSpec([B,784],tf.float32), tf.TensorSpec([B,20],tf.float32)])
    def step(self,x,eps):
        w,b=self.w,self.b
        with tf.GradientTape() as tape:
            h=tf.nn.relu(tf.matmul(x,w['fc1'])+b['fc1'])
            mu=tf.matmul(h,w['fc21'])+b['fc21']; lv=tf.matmul(h,w['fc22'])+b['fc22']
            z=mu+tf.exp(0.5*lv)*eps
            logits=tf.matmul(tf.nn.relu(tf.matmul(z,w['fc3'])+b['fc3']),w['fc4'])+b['fc4']
            bce=tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=x,logits=logits))
            kl=-0.5*tf.reduce_sum(1+lv-mu**2-tf.exp(lv))
            loss=bce+kl
        g=tape.gradient(loss,self.vs)
        self.t.assign_add(1.0)
        b1p=tf.pow(0.9,self.t); b2p=tf.pow(0.999,self.t)
        for v,m,s2,gi in zip(self.vs,self.m,self.v,g):
            tf.raw_ops.ResourceApplyAdam(var=v.handle,m=m.handle,v=s2.handle,beta1_power=b1p,beta2_power=b2p,lr=1e-3,beta1=0.9,beta2=0.999,epsilon=1e-8,grad=gi)
        return {'loss':loss/B}
m=Step()
tf.saved_model.save(m, sys.argv[1], signatures={'serving_default': m.step})
